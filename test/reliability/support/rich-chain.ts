/**
 * A real chain (LevelDB in a temp dir, the test genesis of 3 validators) with a few blocks that
 * leave something of every kind in state: accounts with stake, unbonding and relay registration, a
 * pool with an operator and a pending allocation, a schedule, a listing and an escrowed purchase,
 * mint, burn and distribution events. The fuzz suites aim garbage at it and the authority suite
 * signs against it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../../src/chain/chain.ts';
import type { Block } from '../../../src/chain/codec/block.ts';
import type { SignedTx } from '../../../src/chain/codec/tx.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { LISTING_PREFIX, META_POOLS, META_SCHEDULES, type Operation, PURCHASE_PREFIX, ALLOCATION_PREFIX } from '../../../src/tokenomics/index.ts';
import { AUTHORITY_KEY, DEV, type NamedKey, USER, VALIDATORS, signed, testGenesisConfig } from '../../unit/chain/chain-fixture.ts';

export { AUTHORITY_KEY, DEV, USER, VALIDATORS };
export const CHAIN_ID = 'dchat-test';

export interface RichChain {
  readonly chain: Chain;
  readonly dir: string;
  readonly blocks: Block[];
  readonly txs: SignedTx[];
  readonly ids: { pool: string; schedule: string; listing: string; purchase: string; allocation: string };
  /** The next nonce of each key used so far. */
  readonly nonces: Map<string, bigint>;
  /** Signs `op` with `key`'s next nonce (and counts it). */
  sign(key: NamedKey, op: Operation): SignedTx;
  /** Produces the block of the next slot (by its scheduled validator) from the mempool. */
  produce(): Promise<Block>;
  close(): Promise<void>;
}

export async function openRichChain(options: { verifyThreads?: number } = {}): Promise<RichChain> {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-rich-'));
  const store = await ChainStore.open(dir);
  const chain = await Chain.open({ store, genesis: testGenesisConfig(3), logger: createLogger('silent', false), verifyThreads: options.verifyThreads ?? 0 });
  const nonces = new Map<string, bigint>();
  const blocks: Block[] = [];
  const txs: SignedTx[] = [];
  const sign = (key: NamedKey, op: Operation): SignedTx => {
    const nonce = nonces.get(key.hex) ?? 0n;
    nonces.set(key.hex, nonce + 1n);
    const tx = signed(key, nonce, op);
    txs.push(tx);
    return tx;
  };
  const produce = async (): Promise<Block> => {
    const slot = chain.head.header.slot + 1n;
    const v = VALIDATORS[Number(slot % 3n)]!;
    const block = await chain.produce(slot, { publicKey: v.hex, secretKey: v.secretKey });
    blocks.push(block);
    return block;
  };
  const submit = async (...list: SignedTx[]): Promise<void> => {
    for (const tx of list) await chain.submitTx(tx.bytes);
  };
  const firstKey = (prefix: string): string => {
    const key = chain.state.keysWithPrefix(prefix)[0];
    if (key === undefined) throw new Error(`no ${prefix} in state`);
    return key.slice(prefix.length);
  };

  await submit(
    sign(DEV, { type: 'transfer', to: USER.wallet, amount: 5_000_000n }),
    sign(AUTHORITY_KEY, { type: 'create-pool', name: 'Fuzz pool', initialAmount: 1_000_000n, operator: USER.wallet, autoReplenish: { below: 10n, upTo: 100n } }),
    sign(AUTHORITY_KEY, { type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 10n, intervalBlocks: 2n, startBlock: null, durationBlocks: null, poolId: null }),
  );
  await produce();
  await submit(
    sign(USER, { type: 'stake', amount: 200_000n }),
    sign(USER, { type: 'create-listing', title: 'A fuzzed thing', price: 100n, quantity: 5n }),
  );
  await produce();
  const pools = chain.state.get(META_POOLS) as readonly string[];
  const schedules = chain.state.get(META_SCHEDULES) as readonly string[];
  const pool = pools.at(-1)!;
  const listing = firstKey(LISTING_PREFIX);
  await submit(
    sign(USER, { type: 'register-relay' }),
    sign(USER, { type: 'unstake', amount: 1_000n }),
    sign(AUTHORITY_KEY, { type: 'allocate', poolId: pool, amount: 500n, recipient: DEV.wallet, expiresInBlocks: 1_000n }),
    sign(DEV, { type: 'buy', listingId: listing, quantity: 1n }),
    sign(DEV, { type: 'burn', amount: 10n, reason: 'voluntary', account: null }),
  );
  await produce();
  await produce();
  return {
    chain, dir, blocks, txs, nonces, sign, produce,
    ids: { pool, schedule: schedules.at(-1)!, listing, purchase: firstKey(PURCHASE_PREFIX), allocation: firstKey(ALLOCATION_PREFIX) },
    async close() {
      await chain.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
