/**
 * A signature-verification worker thread. For each job it claims chunks of records from the job's
 * shared counter and verifies them (ed25519, node:crypto, public KeyObjects cached per key in this
 * thread), writing one result byte per record, until no record is left; then it says so.
 */
import { parentPort } from 'node:worker_threads';
import { PublicKeyCache } from './key-cache.ts';
import { KEY_BYTES, MESSAGE_BYTES, NEXT_RECORD, RECORD_BYTES, RECORDS_DONE, type VerifyJob, type VerifyJobDone } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('verify/worker.ts runs as a worker thread only.');

const keys = new PublicKeyCache();

port.on('message', (job: VerifyJob) => {
  const control = new Int32Array(job.control);
  const records = new Uint8Array(job.records);
  const results = new Uint8Array(job.results);
  for (;;) {
    const start = Atomics.add(control, NEXT_RECORD, job.chunk);
    if (start >= job.count) break;
    const end = Math.min(job.count, start + job.chunk);
    for (let i = start; i < end; i++) {
      const at = i * RECORD_BYTES;
      const publicKey = records.subarray(at, at + KEY_BYTES);
      const message = records.subarray(at + KEY_BYTES, at + KEY_BYTES + MESSAGE_BYTES);
      const signature = records.subarray(at + KEY_BYTES + MESSAGE_BYTES, at + RECORD_BYTES);
      results[i] = keys.verify(publicKey, message, signature) ? 1 : 0;
    }
    // Publishes the result bytes above to whoever reads this counter.
    Atomics.add(control, RECORDS_DONE, end - start);
  }
  const done: VerifyJobDone = { id: job.id };
  port.postMessage(done);
});
