/**
 * Tx intake: one admission path for single submissions, batches and gossip (a tx decoded already).
 * The same txs give the same answers one at a time as in a batch; a refusal is remembered for the
 * status route and forgotten once the tx is accepted after all; each accepted tx is announced once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.ts';
import { decodeSignedTx } from '../../../src/chain/codec/tx.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { DEV, USER, VALIDATORS, signed } from './chain-fixture.ts';
import { tempChains } from './temp-chains.ts';

const temp = tempChains('intake');
const openChain = (): Promise<Chain> => temp.open(1);


afterAll(() => temp.closeAll());

const transfer = (nonce: bigint) => signed(DEV, nonce, { type: 'transfer', to: USER.wallet, amount: 10n });
const proposer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };
const codeOf = (result: { ok: boolean; error?: unknown }) => (result.ok ? 'ok' : (result.error as { code: string }).code);

describe('tx intake', () => {
  it('answers a batch exactly as the same txs submitted one at a time', async () => {
    const inputs = [transfer(0n).bytes, transfer(2n).bytes, new Uint8Array([1, 2, 3]), transfer(1n).bytes, transfer(1n).bytes];
    const batch = (await (await openChain()).submitTxs(inputs)).map(codeOf);
    const single = await openChain();
    const oneByOne: string[] = [];
    for (const bytes of inputs) oneByOne.push(await single.submitTx(bytes).then(() => 'ok', (error: unknown) => codeOf({ ok: false, error })));
    expect(batch).toEqual(['ok', 'InvalidNonce', 'MalformedBytes', 'ok', 'DuplicateTx']);
    expect(oneByOne).toEqual(batch);
  });

  it('takes a tx gossip decoded already, and announces each accepted tx once', async () => {
    const chain = await openChain();
    const announced: string[] = [];
    chain.events.on('tx', (tx) => announced.push(toHex(tx.hash)));
    const tx = decodeSignedTx(transfer(0n).bytes);
    expect(await chain.submitTx(tx)).toBe(tx);
    await chain.submitTx(tx).catch(() => undefined);
    expect(announced).toEqual([toHex(tx.hash)]);
    expect(await chain.txStatus(toHex(tx.hash))).toEqual({ status: 'pending' });
  });

  it('remembers why a tx was refused; accepted after all, it reads pending', async () => {
    const chain = await openChain();
    const later = transfer(1n);
    await expect(chain.submitTx(later.bytes)).rejects.toMatchObject({ code: 'InvalidNonce' });
    expect(await chain.txStatus(toHex(later.hash))).toMatchObject({ status: 'rejected', code: 'InvalidNonce' });
    await chain.submitTx(transfer(0n).bytes);
    await chain.submitTx(later.bytes);
    expect(await chain.txStatus(toHex(later.hash))).toEqual({ status: 'pending' });
    // Pending txs are journaled in order of acceptance.
    expect((await chain.store.loadPending()).map((b) => toHex(decodeSignedTx(b).hash))).toEqual([toHex(transfer(0n).hash), toHex(later.hash)]);
  });

  it('looks up where a tx is included only for a used nonce, and again when a block lands before its turn', async () => {
    const source = await openChain();
    const tx = transfer(0n);
    await source.submitTx(tx.bytes);
    const block = await source.produce(1n, proposer);
    const chain = await openChain();
    const reads: number[] = [];
    const txLocations = chain.store.txLocations.bind(chain.store);
    chain.store.txLocations = (hashes) => {
      reads.push(hashes.length);
      return txLocations(hashes);
    };
    // The import takes the chain's queue now; the submission's first read is issued at once, and
    // its turn comes after the block that includes the tx, so the head it read at has moved.
    const imported = chain.importBlock(block, 1n);
    const submitted = chain.submitTx(tx.bytes).then(() => 'ok', (error: unknown) => codeOf({ ok: false, error }));
    await imported;
    // Included already, not the InvalidNonce that the stale answer would have led to: at the first
    // look the tx was fresh (no read); at its turn its nonce is used, so where it is was read.
    expect(await submitted).toBe('DuplicateTx');
    expect(reads).toEqual([1]);
    // A fresh tx costs no read; a replay of the included one is read and refused as a duplicate.
    await chain.submitTx(transfer(1n).bytes);
    await expect(chain.submitTx(tx.bytes)).rejects.toMatchObject({ code: 'DuplicateTx' });
    expect(reads).toEqual([1, 1]);
  });

  it('frees the queue while an admission is journaled, and announces a tx before the block that includes it', async () => {
    const chain = await openChain();
    const order: string[] = [];
    chain.events.on('tx', (tx) => order.push(`tx ${tx.tx.nonce}`));
    chain.events.on('block', (block) => order.push(`block ${block.header.height}`));
    // The first LevelDB write from here on (the first admission's journal) waits for the gate.
    const db = (chain.store as unknown as { db: { batch: (ops: unknown[]) => Promise<void> } }).db;
    const batch = db.batch.bind(db);
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let calls = 0;
    db.batch = (ops) => (calls++ === 0 ? gate.then(() => batch(ops)) : batch(ops));
    const first = chain.submitTx(transfer(0n).bytes);
    // Submissions of one turn of the event loop are admitted together: the next one in a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    // The second admission takes the queue and is journaled while the first journal write waits;
    // the block produced then includes both but is written only once that write has settled.
    await chain.submitTx(transfer(1n).bytes);
    const produced = chain.produce(1n, proposer);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['tx 1']);
    open();
    await first;
    const block = await produced;
    expect(block.txs.map((t) => t.tx.nonce)).toEqual([0n, 1n]);
    expect(order).toEqual(['tx 1', 'tx 0', 'block 1']);
    expect(await chain.store.loadPending()).toEqual([]);
  });
});
