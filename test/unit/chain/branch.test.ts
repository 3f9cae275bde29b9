/**
 * Side branches, reorgs and fork choice (docs/protocol.md §3.4), on small branching chains of three
 * validators: two branches grow from one common block on chains of their own, and a third chain
 * imports both. Checked: which block is head, that the state is exactly the winning branch's, that
 * the abandoned block's txs return to the mempool, that a fork below finality is refused (IGNORE),
 * and that the branch walk finds the common ancestor by headers in memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockError, BlockErrorCode } from '../../../src/chain/block-error.ts';
import { findBranch } from '../../../src/chain/branch.ts';
import type { Chain } from '../../../src/chain/chain.ts';
import type { Block } from '../../../src/chain/codec/block.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { isBetterHead } from '../../../src/chain/fork-choice.ts';
import { proposerFor } from '../../../src/chain/poa.ts';
import { RecentHeaders } from '../../../src/chain/recent-headers.ts';
import { accountKey } from '../../../src/tokenomics/index.ts';
import { DEV, USER, VALIDATORS, signed } from './chain-fixture.ts';
import { tempChains } from './temp-chains.ts';

const FAR = 1_000_000n;
const temp = tempChains('branch');
const openChain = (): Promise<Chain> => temp.open(3);


/** Produces the block of `slot` on `chain`, signed by whichever validator the slot belongs to. */
function produce(chain: Chain, slot: bigint): Promise<Block> {
  const hex = proposerFor(slot, chain.validators()).publicKey;
  const key = VALIDATORS.find((v) => v.hex === hex)!;
  return chain.produce(slot, { publicKey: key.hex, secretKey: key.secretKey });
}

function balanceOf(chain: Chain, wallet: string): bigint {
  return (chain.state.get(accountKey(wallet)) as { balance: bigint } | undefined)?.balance ?? 0n;
}

afterAll(() => temp.closeAll());

// common: b1 (slot 1). Branch X: x2 (slot 2, holds `paid`). Branch Y: y2 (slot 4), y3 (slot 5).
const paid = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 700n });
let b1: Block;
let x2: Block;
let y2: Block;
let y3: Block;
/** The chain that produced branch X (holding the transfer). */
let xChain: Chain;
/** The chain that produced branch Y: the state a reorg to Y must reach exactly. */
let yChain: Chain;

beforeAll(async () => {
  const common = await openChain();
  b1 = await produce(common, 1n);
  const x = await openChain();
  await x.importBlock(b1, FAR);
  await x.submitTx(paid.bytes);
  x2 = await produce(x, 2n);
  xChain = x;
  const y = await openChain();
  await y.importBlock(b1, FAR);
  y2 = await produce(y, 4n);
  y3 = await produce(y, 5n);
  yChain = y;
  expect(x2.txs.map((t) => toHex(t.hash))).toEqual([toHex(paid.hash)]);
});

describe('fork choice and reorg', () => {
  it('keeps a branch that is not better as a side block, then switches to it once it is longer', async () => {
    const chain = await openChain();
    await chain.importBlock(b1, FAR);
    expect((await chain.importBlock(x2, FAR)).outcome).toBe('extended');
    expect(balanceOf(chain, USER.wallet)).toBeGreaterThan(0n);
    expect(chain.state.sortedEntries()).toEqual(xChain.state.sortedEntries());

    // Equal height: the lower hash wins (docs/protocol.md §14.2).
    const tie = await chain.importBlock(y2, FAR);
    const y2Wins = isBetterHead({ height: 2n, hash: y2.hash }, { height: 2n, hash: x2.hash });
    expect(tie.outcome).toBe(y2Wins ? 'reorged' : 'side');
    expect(toHex(chain.head.hash)).toBe(toHex(y2Wins ? y2.hash : x2.hash));

    const longer = await chain.importBlock(y3, FAR);
    expect(longer.outcome).toBe(y2Wins ? 'extended' : 'reorged');
    if (!y2Wins) expect(longer.depth).toBe(1);
    expect(toHex(chain.head.hash)).toBe(toHex(y3.hash));
    expect(toHex((await chain.blockAt(2n))!.hash)).toBe(toHex(y2.hash));
    // The state is exactly branch Y's: the transfer of x2 is reverted...
    expect(balanceOf(chain, USER.wallet)).toBe(0n);
    expect(chain.state.sortedEntries()).toEqual(yChain.state.sortedEntries());
    // ...and returned to the mempool, journaled, pending again (it still applies on Y).
    expect(await chain.txStatus(toHex(paid.hash))).toEqual({ status: 'pending' });
    expect([...chain.mempool.pending()].map((t) => toHex(t.hash))).toEqual([toHex(paid.hash)]);
    expect((await chain.store.loadPending()).map((bytes) => Buffer.from(bytes).toString('hex'))).toContain(Buffer.from(paid.bytes).toString('hex'));
  });

  it('reaches the same head and state root whichever branch arrives first', async () => {
    const chain = await openChain();
    for (const block of [b1, y2, y3, x2]) await chain.importBlock(block, FAR).catch((err: unknown) => expect.unreachable(String(err)));
    expect(toHex(chain.head.hash)).toBe(toHex(y3.hash));
    expect(toHex(chain.head.header.stateRoot)).toBe(toHex(y3.header.stateRoot));
    expect(chain.state.sortedEntries()).toEqual(yChain.state.sortedEntries());
  });

  it('lists side blocks by height and drops those below a height (at most `limit`), never a canonical one', async () => {
    // Both orders: x2 stored as a side block (y2 first) or abandoned by the reorg (x2 first); y2 possibly side first, then canonical.
    for (const order of [[b1, y2, x2, y3], [b1, x2, y2, y3]]) {
      const chain = await openChain();
      for (const block of order) await chain.importBlock(block, FAR);
      expect(toHex(chain.head.hash)).toBe(toHex(y3.hash));
      const stored = async (): Promise<boolean[]> => Promise.all([b1, x2, y2, y3].map((b) => chain.store.hasBlock(b.hash)));
      expect(await stored()).toEqual([true, true, true, true]);
      // Nothing below height 2 is listed; a limit of 0 drops nothing.
      expect(await chain.store.dropSideBlocks(2n, 100)).toBe(0);
      expect(await chain.store.dropSideBlocks(3n, 0)).toBe(0);
      expect(await chain.store.dropSideBlocks(3n, 100)).toBe(1);
      expect(await stored()).toEqual([true, false, true, true]);
      expect(toHex((await chain.blockAt(2n))!.hash)).toBe(toHex(y2.hash));
      // The listing is gone with the block: nothing is left to drop.
      expect(await chain.store.dropSideBlocks(FAR, 100)).toBe(0);
      expect(chain.state.sortedEntries()).toEqual(yChain.state.sortedEntries());
    }
  });

  it('refuses a known block as KnownBlock, canonical or side, without importing it again', async () => {
    const chain = await openChain();
    for (const block of [b1, x2, y2]) await chain.importBlock(block, FAR);
    for (const known of [b1, x2, y2]) {
      const err = await chain.importBlock(known, FAR).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlockError);
      expect((err as BlockError).type).toEqual({ code: BlockErrorCode.KnownBlock, hash: toHex(known.hash) });
      expect((err as BlockError).verdict).toBe('ignore');
      // Gossip found it unstored a moment ago, but it was imported since: the memory check still refuses it.
      await expect(chain.importBlock(known, FAR, { checkedUnknown: true })).rejects.toMatchObject({ code: BlockErrorCode.KnownBlock });
    }
    expect(chain.head.header.height).toBe(2n);
  });

  it('refuses a fork below the last final block (BelowFinality, IGNORE) and keeps its head', async () => {
    const chain = await openChain();
    await chain.importBlock(b1, FAR);
    // Blocks of all three validators above b1 make b1 final.
    const source = await openChain();
    await source.importBlock(b1, FAR);
    for (const slot of [2n, 3n, 4n]) await chain.importBlock(await produce(source, slot), FAR);
    expect(chain.finalizedHeight).toBe(1n);
    // A block on genesis forks below b1.
    const fork = await produce(await openChain(), 6n);
    const err = (await chain.importBlock(fork, FAR).catch((e: unknown) => e)) as BlockError;
    expect(err.type).toEqual({ code: BlockErrorCode.BelowFinality, ancestorHeight: 0n, finalizedHeight: 1n });
    expect(err.verdict).toBe('ignore');
    expect(chain.head.header.height).toBe(4n);
  });

  it('refuses a block whose parent it lacks as UnknownParent, naming the parent', async () => {
    const chain = await openChain();
    const err = (await chain.importBlock(y3, FAR).catch((e: unknown) => e)) as BlockError;
    expect(err.type).toEqual({ code: BlockErrorCode.UnknownParent, parentHash: toHex(y2.hash) });
    expect(err.verdict).toBe('ignore');
  });
});

describe('findBranch', () => {
  it('walks down to the canonical chain by the headers in memory, reading only the side blocks', async () => {
    const recent = new RecentHeaders(16);
    recent.extend({ header: b1.header, hash: b1.hash });
    recent.extend({ header: x2.header, hash: x2.hash });
    const side = new Map([y2, y3].map((b) => [toHex(b.hash), b.bytes]));
    const reads: string[] = [];
    const store = {
      blockByHash: async (hash: Uint8Array) => {
        reads.push(toHex(hash));
        return side.get(toHex(hash)) ?? null;
      },
      hashAtHeight: async (): Promise<Uint8Array | null> => expect.unreachable('the canonical index is in memory'),
      undoRecord: async () => null,
    };
    const branch = await findBranch(y3.hash, recent, store);
    expect(toHex(branch.ancestor.hash)).toBe(toHex(b1.hash));
    expect(branch.blocks.map((b) => toHex(b.hash))).toEqual([toHex(y2.hash), toHex(y3.hash)]);
    expect(reads).toEqual([toHex(y3.hash), toHex(y2.hash)]);
  });

  it('throws UnknownParent for a hash neither in memory nor in the store', async () => {
    const recent = new RecentHeaders(16);
    recent.extend({ header: b1.header, hash: b1.hash });
    const store = { blockByHash: async () => null, hashAtHeight: async () => null, undoRecord: async () => null };
    await expect(findBranch(y2.hash, recent, store)).rejects.toMatchObject({ code: BlockErrorCode.UnknownParent });
  });
});
