/**
 * Imports a run of blocks (a sync batch, a replay) in order with a few of them in flight:
 * Chain.importBlock hands a block's signatures to the worker pool as soon as it is called and
 * queues the rest, so while this thread applies and commits block N the workers already verify
 * N+1..N+window-1. Awaiting each block before calling the next leaves the workers idle during every
 * decode and LevelDB commit (measured by `npm run bench -- --only=import`).
 *
 * Stops at the first block that fails (the ones already in flight behind it then fail on their
 * unknown parent and are not reported); a block the chain already holds is skipped.
 */
import type { Chain, ImportResult } from './chain.ts';
import type { Block } from './codec/block.ts';
import { ChainError, ChainErrorCode } from './errors.ts';

/** Blocks in flight: enough to keep both verification workers busy across a commit. */
export const IMPORT_WINDOW = 4;

export interface InOrderOptions {
  /** The slot to judge each block against (the node's clock), read when the block is handed over. */
  readonly currentSlot: () => bigint;
  readonly window?: number;
  /** Checked before each block is handed over: true ends the run early (a node shutting down). */
  readonly stopped?: () => boolean;
  readonly onImported?: (block: Block, result: ImportResult) => void;
}

export interface InOrderOutcome {
  readonly imported: number;
  /** The first block that failed, and why; absent when every block was imported or known. */
  readonly failure?: { readonly block: Block; readonly error: unknown };
}

export async function importInOrder(chain: Chain, blocks: readonly Block[], options: InOrderOptions): Promise<InOrderOutcome> {
  const window = Math.max(1, options.window ?? IMPORT_WINDOW);
  const inFlight: { block: Block; result: Promise<ImportResult | 'known' | { error: unknown }> }[] = [];
  let imported = 0;
  let failure: InOrderOutcome['failure'];
  const settle = async (): Promise<void> => {
    const { block, result } = inFlight.shift()!;
    const outcome = await result;
    if (outcome === 'known' || failure !== undefined) return;
    if ('error' in outcome) failure = { block, error: outcome.error };
    else {
      imported++;
      options.onImported?.(block, outcome);
    }
  };
  for (const block of blocks) {
    if (inFlight.length >= window) await settle();
    if (failure !== undefined || options.stopped?.() === true) break;
    const result = chain.importBlock(block, options.currentSlot()).then(
      (r) => r,
      (error: unknown) => (error instanceof ChainError && error.code === ChainErrorCode.KnownBlock ? ('known' as const) : { error }),
    );
    inFlight.push({ block, result });
  }
  while (inFlight.length > 0) await settle();
  return failure === undefined ? { imported } : { imported, failure };
}
