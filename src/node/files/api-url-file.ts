/**
 * <data-dir>/api-url: the URL a running node's API answers on, one line. The node writes it once
 * the API listens and removes it when it stops, so a CLI pointed at that data dir (`--data-dir`,
 * DCHAT_DATA_DIR) talks to the node run there without being told --node.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBoundedFile } from './bounded-read.ts';

export const API_URL_FILE = 'api-url';

/** A URL is short; anything longer is not a file this node wrote. */
const MAX_API_URL_BYTES = 1024;

/** The URL clients dial: a wildcard listen address (0.0.0.0, ::) is reached on loopback. */
export function dialableApiUrl(host: string, port: number): string {
  const dialHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${dialHost.includes(':') ? `[${dialHost}]` : dialHost}:${port}`;
}

/** Writes the file and returns what removes it (a node that stops no longer answers there). */
export function writeApiUrl(dataDir: string, url: string): () => void {
  const path = join(dataDir, API_URL_FILE);
  writeFileSync(path, `${url}\n`, { mode: 0o644 });
  return () => rmSync(path, { force: true });
}

/** The URL a node left in `dataDir`, or undefined when none runs there (no file, or not one a node wrote). */
export function readApiUrl(dataDir: string): string | undefined {
  let text: string;
  try {
    text = readBoundedFile(join(dataDir, API_URL_FILE), MAX_API_URL_BYTES).toString('utf8').trim();
  } catch {
    return undefined;
  }
  return /^https?:\/\/\S+$/.test(text) ? text : undefined;
}
