/**
 * The software version (package.json `version`): what `dchat --version` prints, GET /v1/node's
 * `version` and the `dchat_build_info{version}` gauge, so an operator can tell which build answers.
 * (The protocol version, what a node computes, is src/chain/protocol-version.ts: a separate number.)
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const DCHAT_VERSION: string = pkg.version;
