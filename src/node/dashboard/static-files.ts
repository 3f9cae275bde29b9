/**
 * The dashboard's files: our page, scripts and styles from ./assets, and uPlot's build from
 * node_modules, served by name from a fixed list (no path from a request ever reaches the disk)
 * and read once, so a request costs no I/O. No CDN: the page works on an offline machine.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLightModules } from './light-modules.ts';

export interface StaticFile {
  readonly type: string;
  readonly body: Buffer;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
/** uPlot's package has no "exports": its main file sits in dist/ beside the ESM build and the CSS. */
const UPLOT_DIST = dirname(createRequire(import.meta.url).resolve('uplot'));

const OWN: Record<string, string> = {
  'index.html': HTML,
  'style.css': CSS,
  'app.js': JS,
  'api.js': JS,
  'format.js': JS,
  'charts.js': JS,
  'panels.js': JS,
  'governance.js': JS,
  'verify.js': JS,
};

const VENDOR: Record<string, string> = {
  'uPlot.esm.js': JS,
  'uPlot.min.css': CSS,
};

/** URL path (under /dashboard/) to file; `index.html` is also the page at `/`. */
export function loadStaticFiles(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const [name, type] of Object.entries(OWN)) files.set(name, { type, body: readFileSync(join(ASSETS_DIR, name)) });
  for (const [name, type] of Object.entries(VENDOR)) files.set(`vendor/${name}`, { type, body: readFileSync(join(UPLOT_DIST, name)) });
  for (const [name, body] of loadLightModules()) files.set(name, { type: JS, body });
  return files;
}
