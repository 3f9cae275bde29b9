/**
 * The projection's worker thread: computes the supply projection (docs/protocol.md §13.1) over the few state entries
 * it reads (projection-service.ts sends them), off the API's event loop, so a burst of the heaviest
 * projections delays no block (issue 12 item 3).
 */
import { parentPort } from 'node:worker_threads';
import { type ProjectionJob, type ProjectionJobDone, projectionText } from './projection-service.ts';

const port = parentPort;
if (port === null) throw new Error('projection-worker.ts runs as a worker thread only.');

port.on('message', (job: ProjectionJob) => {
  const done: ProjectionJobDone = { id: job.id, json: projectionText(job) };
  port.postMessage(done);
});
