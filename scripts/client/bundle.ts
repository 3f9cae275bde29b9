/**
 * The client SDK as one browser bundle (esbuild, ESM, platform browser, minified): what a chat app
 * ships. `platform: 'browser'` makes a node: import a build error, on top of the import-graph test.
 */
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { build } from 'esbuild';

export const CLIENT_ENTRY = resolve(import.meta.dirname, '../../src/client/index.ts');

export interface ClientBundle {
  readonly code: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export async function buildClientBundle(): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const raw = Buffer.from(code);
  return { code, bytes: raw.length, gzipBytes: gzipSync(raw, { level: 9 }).length };
}
