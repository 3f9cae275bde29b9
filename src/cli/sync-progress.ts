/**
 * The sync progress bar of `dchat start`: while the node catches up with its peers, a bar on stderr
 * shows head / target and the import rate; it clears once the node follows gossip. Drawn only on a
 * terminal, like every other bar of the CLI.
 */
import type { SyncStatus } from '../node/network/sync.ts';

const WIDTH = 30;
const FRAME_MS = 250;

export function renderSyncBar(status: SyncStatus): string {
  const snapshot = status.phase === 'snapshot' ? status.snapshot : null;
  if (snapshot !== null && snapshot !== undefined) {
    const total = Math.max(1, snapshot.chunksTotal);
    const done = Math.min(WIDTH, Math.floor((snapshot.chunksDone * WIDTH) / total));
    const at = snapshot.height === null ? 'looking for a snapshot' : `snapshot ${snapshot.height}: ${snapshot.chunksDone}/${snapshot.chunksTotal} chunks`;
    return `⏳ State sync [${'█'.repeat(done)}${'░'.repeat(WIDTH - done)}] ${at} (${snapshot.phase}) ${snapshot.chunksPerSecond.toFixed(1)} chunks/s`;
  }
  const target = status.targetHeight > 0n ? status.targetHeight : 1n;
  const done = status.headHeight >= target ? WIDTH : Number((status.headHeight * BigInt(WIDTH)) / target);
  const percent = status.headHeight >= target ? 100 : Number((status.headHeight * 100n) / target);
  return `⏳ Syncing [${'█'.repeat(done)}${'░'.repeat(WIDTH - done)}] ${status.headHeight}/${status.targetHeight} (${percent}%) ${status.blocksPerSecond.toFixed(0)} blocks/s`;
}

export interface SyncBarOutput {
  readonly isTTY: boolean;
  write(text: string): void;
}

/** Polls the sync status and draws while syncing; returns a function that stops and clears it. */
export function watchSync(out: SyncBarOutput, status: () => SyncStatus, frameMs = FRAME_MS): () => void {
  if (!out.isTTY) return () => undefined;
  let drawn = false;
  const tick = (): void => {
    const now = status();
    if (now.syncing) {
      out.write(`\r\x1b[2K${renderSyncBar(now)}`);
      drawn = true;
    } else if (drawn) {
      out.write('\r\x1b[2K');
      drawn = false;
    }
  };
  const timer = setInterval(tick, frameMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (drawn) out.write('\r\x1b[2K');
  };
}
