/** `npm run bundle:client [-- --out=<file>]`: builds the SDK's browser bundle and prints its minified and gzip sizes. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildClientBundle } from './client/bundle.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const bundle = await buildClientBundle();
if (values.out !== undefined) writeFileSync(values.out, bundle.code);
console.log(`dchat-node/client: ${bundle.bytes} bytes minified, ${bundle.gzipBytes} bytes gzip (level 9)`);
