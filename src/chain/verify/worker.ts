/**
 * A signature-verification worker thread. Each message is one batch: `count` records of
 * [public key 32 | message 32 | signature 64] in one transferred buffer; the reply is one byte per
 * record (1 = verifies), transferred back. Public KeyObjects are cached per key in this thread.
 */
import { parentPort } from 'node:worker_threads';
import { PublicKeyCache } from './key-cache.ts';
import { KEY_BYTES, MESSAGE_BYTES, RECORD_BYTES, type VerifyReply, type VerifyRequest } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('verify/worker.ts runs as a worker thread only.');

const keys = new PublicKeyCache();

port.on('message', (request: VerifyRequest) => {
  const records = new Uint8Array(request.buffer);
  const results = new Uint8Array(request.count);
  for (let i = 0; i < request.count; i++) {
    const at = i * RECORD_BYTES;
    const publicKey = records.subarray(at, at + KEY_BYTES);
    const message = records.subarray(at + KEY_BYTES, at + KEY_BYTES + MESSAGE_BYTES);
    const signature = records.subarray(at + KEY_BYTES + MESSAGE_BYTES, at + RECORD_BYTES);
    results[i] = keys.verify(publicKey, message, signature) ? 1 : 0;
  }
  const reply: VerifyReply = { id: request.id, results };
  port.postMessage(reply, [results.buffer]);
});
