/**
 * importInOrder (what range sync uses): blocks imported in order with several in flight reach the
 * same head and state root as the producer; the first bad block stops the run, is reported, and
 * nothing after it is imported; known blocks are skipped; `stopped` ends a run between blocks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import { type Block, decodeBlock, sealBlock } from '../../../src/chain/codec/block.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../../../src/chain/errors.ts';
import { importInOrder } from '../../../src/chain/import-in-order.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from './chain-fixture.ts';

const dirs: string[] = [];
const chains: Chain[] = [];
const logger = createLogger('silent', false);
const FAR = 1_000_000n;
const proposer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };

async function openChain(): Promise<Chain> {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-in-order-'));
  dirs.push(dir);
  const chain = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(1), logger, verifyThreads: 2 });
  chains.push(chain);
  return chain;
}

/** Six blocks from a producing chain, each with a few signed transfers; decoded from their bytes. */
let blocks: Block[] = [];
let source: Chain;

beforeAll(async () => {
  source = await openChain();
  let nonce = 0n;
  for (let slot = 1n; slot <= 6n; slot++) {
    for (let i = 0; i < 5; i++) await source.submitTx(signed(DEV, nonce++, { type: 'transfer', to: USER.wallet, amount: 10n + BigInt(i) }).bytes);
    const block = await source.produce(slot, proposer);
    blocks.push(decodeBlock(block.bytes));
  }
});

afterAll(async () => {
  for (const chain of chains) {
    await chain.close();
    await chain.store.close().catch(() => undefined);
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('importInOrder', () => {
  it.each([1, 3, 8])('imports every block with %i in flight and reaches the producer\'s head and state root', async (window) => {
    const chain = await openChain();
    const heights: bigint[] = [];
    const outcome = await importInOrder(chain, blocks, { currentSlot: () => FAR, window, onImported: (b) => heights.push(b.header.height) });
    expect(outcome).toEqual({ imported: 6 });
    expect(heights).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(toHex(chain.head.hash)).toBe(toHex(source.head.hash));
    expect(toHex(chain.head.header.stateRoot)).toBe(toHex(source.head.header.stateRoot));
  });

  it('stops at the first bad block, reports it, and imports nothing after it', async () => {
    const chain = await openChain();
    const third = blocks[2]!;
    // A correctly signed block 3 whose header claims another state root.
    const bad = sealBlock({ ...third.header, stateRoot: new Uint8Array(32).fill(7) }, third.txs, VALIDATORS[0]!.secretKey);
    const run = [...blocks.slice(0, 2), bad, ...blocks.slice(3)];
    const outcome = await importInOrder(chain, run, { currentSlot: () => FAR, window: 4 });
    expect(outcome.imported).toBe(2);
    expect(outcome.failure?.block).toBe(bad);
    expect(outcome.failure?.error).toBeInstanceOf(ChainError);
    expect((outcome.failure?.error as ChainError).code).toBe(ChainErrorCode.BadStateRoot);
    expect(chain.head.header.height).toBe(2n);
    for (const later of blocks.slice(3)) expect(await chain.hasBlock(later.hash)).toBe(false);
    // The chain is fine afterwards: the good block 3 and the rest import.
    expect(await importInOrder(chain, blocks.slice(2), { currentSlot: () => FAR })).toEqual({ imported: 4 });
    expect(toHex(chain.head.hash)).toBe(toHex(source.head.hash));
  });

  it('skips blocks the chain already holds', async () => {
    const chain = await openChain();
    await importInOrder(chain, blocks.slice(0, 3), { currentSlot: () => FAR });
    expect(await importInOrder(chain, blocks, { currentSlot: () => FAR, window: 2 })).toEqual({ imported: 3 });
    expect(toHex(chain.head.hash)).toBe(toHex(source.head.hash));
  });

  it('a committed block takes its txs out of the mempool journal, produced or imported', async () => {
    expect(await source.store.loadPending()).toEqual([]);
    const chain = await openChain();
    for (const tx of blocks[0]!.txs) await chain.submitTx(tx.bytes);
    expect(await chain.store.loadPending()).toHaveLength(blocks[0]!.txs.length);
    await importInOrder(chain, blocks.slice(0, 2), { currentSlot: () => FAR });
    expect(await chain.store.loadPending()).toEqual([]);
    expect(chain.mempool.size).toBe(0);
  });

  it('hands no more blocks over once stopped() says so', async () => {
    const chain = await openChain();
    let imported = 0;
    const outcome = await importInOrder(chain, blocks, { currentSlot: () => FAR, window: 1, stopped: () => imported >= 2, onImported: () => imported++ });
    expect(outcome).toEqual({ imported: 2 });
    expect(chain.head.header.height).toBe(2n);
  });
});
