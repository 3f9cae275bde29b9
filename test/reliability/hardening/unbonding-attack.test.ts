/**
 * The unbonding attack of issue 12, tried again on a real chain (LevelDB, the mempool, the
 * producer's Chain.produce) at the default stack size: one wallet signs one-token unstakes as fast
 * as blocks take them (max_block_txs per block; the mempool's per-sender limit is lifted to that,
 * as an attacker with many relays would get), with `max_unbonding_entries` lifted in the test
 * genesis. Past ~125,000 entries the block invariant check used to throw a RangeError in every
 * block, so the chain halted for good. Now the unstakes of one block share one entry (one deadline,
 * docs/protocol.md §9), so the list grows by at most one entry per block whatever the bound, and a
 * spread of the list is gone from every layer.
 *
 * What must hold, whatever the list does: every block is produced (heights advance by one per
 * slot), an honest transfer in every block is included, every attacker tx ends included, refused at
 * submission or left out by the producer, each refusal with a code and a sentence (a `rejected`
 * status), and the unbonding list holds one entry per block that included unstakes, together
 * exactly the included unstakes.
 *
 * Short form (npm test): 5,000 unstakes in blocks of 1,000 (the mechanics).
 * Long form (`node scripts/reliability/run.ts unbonding`): one unstake per block
 * (DCHAT_UNBONDING_BLOCK_TXS=2), so the list grows by one entry a block, the longest list an
 * attacker can build with the bound lifted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import type { SignedTx } from '../../../src/chain/codec/tx.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { type Account, accountKey, genesisToJson, parseGenesisJson } from '../../../src/tokenomics/index.ts';
import { DEV, USER, VALIDATORS, namedKey, signed, testGenesisConfig } from '../../unit/chain/chain-fixture.ts';
import { envCount, writeReport } from '../support/report.ts';

const ENTRIES = envCount('DCHAT_UNBONDING_ENTRIES', 5_000);
const BLOCK_TXS = envCount('DCHAT_UNBONDING_BLOCK_TXS', ENTRIES >= 50_000 ? 10_000 : 1_000);
/** Blocks after the attacker's last batch, each with one more unstake and an honest transfer. */
const AFTER_BLOCKS = 3;
const ATTACKER = USER;
const RECIPIENT = namedKey(12).wallet;

const dir = mkdtempSync(join(tmpdir(), 'dchat-unbonding-'));
const proposer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The test genesis with the entry bound lifted, passed through the genesis file form as an operator would. */
function attackGenesis() {
  const json = genesisToJson(testGenesisConfig(1, { maxBlockTxs: BigInt(BLOCK_TXS), unbondingBlocks: 100_000_000n }));
  return parseGenesisJson({ ...json, params: { ...(json.params as object), max_unbonding_entries: String(ENTRIES * 10) } });
}

describe('the unbonding attack (issue 12, items 1, 2 and 6)', () => {
  it(`${ENTRIES} one-token unstakes from one wallet do not halt the chain`, { timeout: 14_400_000 }, async () => {
    const store = await ChainStore.open(dir);
    const chain = await Chain.open({
      store, genesis: attackGenesis(), logger: createLogger('silent', false), verifyThreads: 0,
      mempoolLimits: { maxTxs: 2 * BLOCK_TXS, maxPerSender: BLOCK_TXS },
    });
    const nonces = new Map<string, bigint>();
    const sign = (key: typeof DEV, op: Parameters<typeof signed>[2], nonce = nonces.get(key.hex) ?? 0n): SignedTx => {
      nonces.set(key.hex, nonce + 1n);
      return signed(key, nonce, op);
    };
    const honest: SignedTx[] = [];
    /** Refused at submission, and accepted but left out of its block by the producer, by code. */
    const refused = new Map<string, number>();
    const dropped = new Map<string, number>();
    const tally = (map: Map<string, number>, code: string): void => void map.set(code, (map.get(code) ?? 0) + 1);
    const blockMs: number[] = [];
    let attempted = 0;
    /** Blocks that included at least one unstake: each adds one unbonding entry. */
    let unstakeBlocks = 0;
    let lastRefusal: { hash: string; code: string; message: string } | null = null;

    const produce = async (): Promise<void> => {
      const height = chain.head.header.height;
      const started = performance.now();
      await chain.produce(chain.head.header.slot + 1n, proposer);
      blockMs.push(performance.now() - started);
      expect(chain.head.header.height).toBe(height + 1n);
    };
    /** One block: an honest transfer and up to `count` unstakes from the attacker's account nonce. */
    const attackBlock = async (count: number): Promise<void> => {
      const transfer = sign(DEV, { type: 'transfer', to: RECIPIENT, amount: 100n });
      honest.push(transfer);
      const from = (chain.state.get(accountKey(ATTACKER.wallet)) as Account).nonce;
      const unstakes = Array.from({ length: count }, (_, i) => sign(ATTACKER, { type: 'unstake', amount: 1n }, from + BigInt(i)));
      attempted += count;
      const results = await chain.submitTxs([transfer.bytes, ...unstakes.map((t) => t.bytes)]);
      expect(results[0]!.ok).toBe(true);
      const accepted: SignedTx[] = [];
      results.slice(1).forEach((result, i) => {
        if (result.ok) {
          accepted.push(unstakes[i]!);
          return;
        }
        const error = result.error as { code?: unknown; message?: unknown };
        expect(typeof error.code).toBe('string');
        expect(String(error.message).length).toBeGreaterThan(0);
        tally(refused, String(error.code));
        lastRefusal = { hash: toHex(unstakes[i]!.hash), code: String(error.code), message: String(error.message) };
      });
      await produce();
      // an accepted unstake that the producer left out must say why
      let includedHere = false;
      for (const tx of accepted) {
        const status = await chain.txStatus(toHex(tx.hash));
        if (status.status === 'included') {
          includedHere = true;
          continue;
        }
        expect(status).toMatchObject({ status: 'rejected', code: expect.any(String), message: expect.any(String) });
        tally(dropped, (status as { code: string }).code);
      }
      if (includedHere) unstakeBlocks++;
    };

    // Fund and stake the attacker: two tokens per entry cover the stake and the 1-token fee of each unstake.
    await chain.submitTxs([sign(DEV, { type: 'transfer', to: ATTACKER.wallet, amount: BigInt(ENTRIES) * 3n + 10_000n }).bytes]);
    await produce();
    await chain.submitTxs([sign(ATTACKER, { type: 'stake', amount: BigInt(ENTRIES) + BigInt(AFTER_BLOCKS) }).bytes]);
    await produce();

    const startedMs = performance.now();
    while (attempted < ENTRIES) await attackBlock(Math.min(BLOCK_TXS - 1, ENTRIES - attempted));
    for (let i = 0; i < AFTER_BLOCKS; i++) await attackBlock(1);
    const attackMs = performance.now() - startedMs;

    const account = chain.state.get(accountKey(ATTACKER.wallet)) as Account;
    // every attacker tx ended one way or the other: its nonce moved exactly once per included unstake
    const included = Number(account.nonce) - 1; // nonce 0 was the stake
    expect(account.unbonding.length).toBe(unstakeBlocks);
    expect(account.unbonding.reduce((sum, e) => sum + e.amount, 0n)).toBe(BigInt(included));
    const total = (map: Map<string, number>): number => [...map.values()].reduce((a, b) => a + b, 0);
    expect(included + total(refused) + total(dropped)).toBe(attempted);
    for (const tx of honest) expect((await chain.txStatus(toHex(tx.hash))).status).toBe('included');
    const refusal = lastRefusal as { hash: string; code: string; message: string } | null;
    if (refusal !== null) expect(await chain.txStatus(refusal.hash)).toEqual({ status: 'rejected', code: refusal.code, message: refusal.message });
    expect(chain.mempool.size).toBe(0);

    const sorted = [...blockMs].sort((a, b) => a - b);
    writeReport('unbonding-attack', {
      entriesTarget: ENTRIES,
      blockTxs: BLOCK_TXS,
      blocks: Number(chain.head.header.height),
      unstakesAttempted: attempted,
      unbondingEntries: account.unbonding.length,
      refusedByCode: Object.fromEntries(refused),
      droppedByProducerByCode: Object.fromEntries(dropped),
      lastRefusal: refusal,
      honestTransfersIncluded: honest.length,
      blockMsMedian: Math.round(sorted[Math.floor(sorted.length / 2)]!),
      blockMsMax: Math.round(sorted.at(-1)!),
      attackSeconds: Math.round(attackMs / 100) / 10,
    });
    await chain.close();
    await store.close();
  });
});
