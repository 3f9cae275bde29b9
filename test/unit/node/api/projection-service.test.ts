/**
 * The projection service (src/node/api/projection-service.ts): the worker thread answers exactly
 * what projectSupply answers over the whole state (schedules, relays and pools included, so the
 * entries it is sent are all it needs); answers are cached per head and dropped when the head
 * moves; identical questions share one computation; past MAX_QUEUED computations the answer is
 * 503 Overloaded; and a failed worker leaves the main thread to answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_QUEUED, ProjectionService, projectionInputs } from '../../../../src/node/api/projection-service.ts';
import { projectionJson } from '../../../../src/node/api/json.ts';
import { type ProjectionOptions, projectSupply } from '../../../../src/tokenomics/projection.ts';
import type { StateView } from '../../../../src/tokenomics/index.ts';

/** The response body the route sent before the service: the reference. */
const expected = (state: StateView, options: ProjectionOptions): string => JSON.stringify(projectionJson(projectSupply(state, options)));
import { openRichChain, type RichChain } from '../../../reliability/support/rich-chain.ts';

let rich: RichChain | null = null;
const services: ProjectionService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  await rich?.close();
  rich = null;
});

describe('ProjectionService', () => {
  it('the worker answers what projectSupply answers over the whole state', async () => {
    rich = await openRichChain();
    const state = rich.chain.state;
    expect(projectionInputs(state).length).toBeLessThan(state.size);
    const service = new ProjectionService(() => state, () => 'head-1');
    services.push(service);
    for (const options of [{ blocks: 5_256_000n * 1000n, burnPerBlock: 3n, points: 1000 }, { blocks: 17n, burnPerBlock: 0n, points: 17 }, { blocks: 1_000_000n, burnPerBlock: 10n ** 12n, points: 5 }]) {
      expect(await service.project(options)).toBe(expected(state, options));
    }
  });

  it('caches per head, shares identical questions, and refuses past MAX_QUEUED with 503 Overloaded', async () => {
    rich = await openRichChain();
    let head = 'head-1';
    const service = new ProjectionService(() => rich!.chain.state, () => head);
    services.push(service);
    const options = { blocks: 5_256_000n * 1000n, burnPerBlock: 1n, points: 1000 };
    const first = service.project(options);
    expect(service.project(options)).toBe(first);
    await first;
    expect(service.project(options)).toBe(first);
    head = 'head-2';
    const afterBlock = service.project(options);
    expect(afterBlock).not.toBe(first);
    await afterBlock;
    // MAX_QUEUED distinct questions at once fill the queue; one more is refused, typed.
    const queued = Array.from({ length: MAX_QUEUED }, (_, i) => service.project({ ...options, burnPerBlock: BigInt(100 + i) }));
    expect(() => service.project({ ...options, burnPerBlock: 99n })).toThrow(expect.objectContaining({ code: 'Overloaded', status: 503 }));
    await Promise.all(queued);
    expect(JSON.parse(await service.project({ ...options, burnPerBlock: 99n }))).toMatchObject({ burn_per_block: '99' });
  });

  it('a worker that dies leaves its jobs and later ones to the main thread', async () => {
    rich = await openRichChain();
    const state = rich.chain.state;
    const service = new ProjectionService(() => state, () => 'h');
    services.push(service);
    const options = { blocks: 1000n, burnPerBlock: 0n, points: 10 };
    const pending = service.project(options);
    await (service as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    expect(await pending).toBe(expected(state, options));
    expect(await service.project({ ...options, points: 3 })).toBe(expected(state, { ...options, points: 3 }));
  });
});
