/**
 * The API load of test/reliability/hardening/api-load.test.ts, on a worker thread of its own (so
 * the load's own parsing does not run on the node's event loop, as it would not for real clients):
 * `clients` keep-alive clients, each from its own loopback address, cycle through `paths` as fast
 * as they are answered until `durationMs` has passed, and report every status by code, answers that
 * were not a typed `{code, message}` refusal, and transport errors.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ApiClient } from './clients.ts';

export interface LoadJob {
  readonly base: string;
  readonly clients: number;
  readonly durationMs: number;
  /** `{n}` in a path becomes the request's number (so a question can defeat a cache). */
  readonly paths: readonly string[];
}

export interface LoadResult {
  readonly requests: number;
  /** `200`, or `<status> <code>` for a refusal. */
  readonly byStatus: Record<string, number>;
  /** Non-200 answers whose body was not exactly `{code, message}` (strings): none may exist. */
  readonly untyped: readonly string[];
  readonly transportErrors: number;
  readonly maxLatencyMs: number;
}

const typedRefusal = (body: unknown): body is { code: string; message: string } =>
  typeof body === 'object' && body !== null && Object.keys(body).sort().join(',') === 'code,message'
  && typeof (body as { code: unknown }).code === 'string' && typeof (body as { message: unknown }).message === 'string';

async function run(job: LoadJob): Promise<LoadResult> {
  const byStatus: Record<string, number> = {};
  const untyped: string[] = [];
  let requests = 0;
  let transportErrors = 0;
  let maxLatencyMs = 0;
  const end = Date.now() + job.durationMs;
  await Promise.all(Array.from({ length: job.clients }, async (_, i) => {
    const client = new ApiClient(job.base, i);
    for (let n = i; Date.now() < end; n++) {
      const path = job.paths[n % job.paths.length]!.replace('{n}', String(n));
      const started = performance.now();
      requests++;
      try {
        const reply = await client.get(path, 20_000);
        maxLatencyMs = Math.max(maxLatencyMs, performance.now() - started);
        const key = reply.status === 200 ? '200' : `${reply.status} ${typedRefusal(reply.body) ? reply.body.code : 'untyped'}`;
        byStatus[key] = (byStatus[key] ?? 0) + 1;
        if (reply.status !== 200 && !typedRefusal(reply.body) && untyped.length < 10) untyped.push(`${path}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
      } catch {
        transportErrors++;
      }
    }
    client.close();
  }));
  return { requests, byStatus, untyped, transportErrors, maxLatencyMs: Math.round(maxLatencyMs) };
}

if (parentPort !== null) {
  const port = parentPort;
  void run(workerData as LoadJob).then((result) => port.postMessage(result));
}
