import { describe, expect, it } from 'vitest';
import { renderSyncBar, watchSync } from '../../../src/cli/sync-progress.ts';
import type { SyncStatus } from '../../../src/node/network/sync.ts';

const status = (head: bigint, target: bigint, syncing = true): SyncStatus => ({ syncing, headHeight: head, targetHeight: target, blocksPerSecond: 812.4, blocksSynced: 0 });

describe('sync progress bar', () => {
  it('shows head / target, the share done and the rate', () => {
    expect(renderSyncBar(status(250n, 1_000n))).toBe(`⏳ Syncing [${'█'.repeat(7)}${'░'.repeat(23)}] 250/1000 (25%) 812 blocks/s`);
    expect(renderSyncBar(status(1_000n, 1_000n))).toContain(`[${'█'.repeat(30)}] 1000/1000 (100%)`);
  });

  it('shows the snapshot restore while the state sync runs: chunks done / total and their rate', () => {
    const restoring: SyncStatus = {
      ...status(0n, 5_000n), phase: 'snapshot',
      snapshot: { phase: 'chunks', height: 4_000n, chunksDone: 128, chunksTotal: 512, chunksReused: 0, chunksPerSecond: 42.5, bytes: 1_000 },
    };
    expect(renderSyncBar(restoring)).toBe(`⏳ State sync [${'█'.repeat(7)}${'░'.repeat(23)}] snapshot 4000: 128/512 chunks (chunks) 42.5 chunks/s`);
    const looking: SyncStatus = { ...restoring, snapshot: { phase: 'discovering', height: null, chunksDone: 0, chunksTotal: 0, chunksReused: 0, chunksPerSecond: 0, bytes: 0 } };
    expect(renderSyncBar(looking)).toContain('looking for a snapshot');
  });

  it('draws only while syncing and only on a terminal, and clears when done', async () => {
    const frames: string[] = [];
    const states = [status(1n, 10n), status(5n, 10n), status(10n, 10n, false)];
    let i = 0;
    const stop = watchSync({ isTTY: true, write: (t) => frames.push(t) }, () => states[Math.min(i++, states.length - 1)]!, 5);
    await new Promise((r) => setTimeout(r, 60));
    stop();
    expect(frames[0]).toContain('1/10');
    expect(frames[1]).toContain('5/10');
    expect(frames[2]).toBe('\r\x1b[2K');
    expect(frames).toHaveLength(3);
    const none: string[] = [];
    watchSync({ isTTY: false, write: (t) => none.push(t) }, () => status(1n, 10n), 5)();
    expect(none).toEqual([]);
  });
});
