/**
 * Tx intake: one admission path for single submissions, batches and gossip (a tx decoded already).
 * The same txs give the same answers one at a time as in a batch; a refusal is remembered for the
 * status route and forgotten once the tx is accepted after all; each accepted tx is announced once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.ts';
import { decodeSignedTx } from '../../../src/chain/codec/tx.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { DEV, USER, signed } from './chain-fixture.ts';
import { tempChains } from './temp-chains.ts';

const temp = tempChains('intake');
const openChain = (): Promise<Chain> => temp.open(1);


afterAll(() => temp.closeAll());

const transfer = (nonce: bigint) => signed(DEV, nonce, { type: 'transfer', to: USER.wallet, amount: 10n });
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
});
