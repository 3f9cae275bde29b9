/**
 * Signatures checked on the worker pool give exactly the answers of the checks on the main thread:
 * the same error codes, in the same order of precedence, and nothing committed on a refusal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importBlock } from '../../../../src/chain/block-import.ts';
import { produceBlock } from '../../../../src/chain/block-production.ts';
import { Chain } from '../../../../src/chain/chain.ts';
import { sealBlock, txRoot } from '../../../../src/chain/codec/block.ts';
import { pack, unpack } from '../../../../src/chain/codec/msgpack.ts';
import { type SignedTx, decodeSignedTx } from '../../../../src/chain/codec/tx.ts';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { Mempool } from '../../../../src/chain/mempool.ts';
import type { TxIntake } from '../../../../src/chain/tx-intake.ts';
import { ChainStore } from '../../../../src/chain/store/chain-store.ts';
import { type SignatureCheck, VerifyPool } from '../../../../src/chain/verify/pool.ts';
import { createLogger } from '../../../../src/node/logger.ts';
import { DEV, USER, VALIDATORS, signed, testGenesis, testGenesisConfig } from '../chain-fixture.ts';
import { codeOfAsync as codeOf } from '../../../support/error-code.ts';

const dirs: string[] = [];
const chains: Chain[] = [];
const logger = createLogger('silent', false);
const FAR = 1_000_000n;
const proposer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };

async function openChain(verifyThreads?: number): Promise<Chain> {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-verify-'));
  dirs.push(dir);
  const chain = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(1), logger, ...(verifyThreads === undefined ? {} : { verifyThreads }) });
  chains.push(chain);
  return chain;
}

afterAll(async () => {
  for (const chain of chains) {
    await chain.close();
    await chain.store.close().catch(() => undefined);
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const transfer = (nonce: bigint, amount = 10n): SignedTx => signed(DEV, nonce, { type: 'transfer', to: USER.wallet, amount });
/** The same tx with one bit of its signature flipped, on the wire too. */
function forged(tx: SignedTx): SignedTx {
  const [unsigned] = unpack(tx.bytes, 'tx') as [unknown, Uint8Array];
  return decodeSignedTx(pack([unsigned, Uint8Array.from(tx.signature, (b, i) => (i === 0 ? b ^ 1 : b))]));
}

/** Block 1 on genesis with these txs: the producer does not check signatures, so forged ones stay in. */
async function blockWith(chain: Chain, txs: SignedTx[]) {
  return (await produceBlock(chain.headParent(), chain.params, 1n, proposer, txs)).block;
}

describe('tx signatures on the verify pool', () => {
  it('imports a block of many transfers and reaches the producer\'s state root', async () => {
    const chain = await openChain(2);
    const txs = Array.from({ length: 300 }, (_, i) => transfer(BigInt(i)));
    const block = await blockWith(chain, txs);
    const result = await chain.importBlock(block, FAR);
    expect(result.outcome).toBe('extended');
    expect(result.imported.stateRoot).toEqual(block.header.stateRoot);
    expect(chain.head.header.height).toBe(1n);
  });

  for (const threads of [2, 0]) {
    it(`refuses a forged tx signature with InvalidSignature and commits nothing (${threads} threads)`, async () => {
      const chain = await openChain(threads);
      const txs = [transfer(0n), forged(transfer(1n)), transfer(2n)];
      expect(await codeOf(chain.importBlock(await blockWith(chain, txs), FAR))).toBe(ChainErrorCode.InvalidSignature);
      expect(chain.head.header.height).toBe(0n);
    });
  }

  it('keeps the precedence of a plain import: a bad signature wins over an earlier tx failing in the economy', async () => {
    const chain = await openChain(2);
    // tx 0 is unaffordable (fails when applied); tx 1 is forged (fails the stateless checks, which come first).
    const txs = [transfer(0n, 10n ** 18n), forged(transfer(1n))];
    // Sealed by hand: the producer would leave the unaffordable tx out.
    const header = { ...(await blockWith(chain, [])).header, txRoot: txRoot(txs) };
    const block = sealBlock(header, txs, proposer.secretKey);
    const plain = await (async () => {
      try {
        await importBlock(block, chain.headParent(), FAR);
      } catch (err) {
        return (err as { code: string }).code;
      }
      return 'accepted';
    })();
    expect(plain).toBe(ChainErrorCode.InvalidSignature);
    expect(await codeOf(chain.importBlock(block, FAR))).toBe(plain);
    // Without the forged tx, the economy's refusal is what remains.
    const affordOnly = sealBlock({ ...header, txRoot: txRoot([txs[0]!]) }, [txs[0]!], proposer.secretKey);
    expect(await codeOf(chain.importBlock(affordOnly, FAR))).toBe(ChainErrorCode.InvalidBlock);
  });

  it('header errors still come first', async () => {
    const chain = await openChain(2);
    const block = await blockWith(chain, [forged(transfer(0n))]);
    const wrongProposer = (await produceBlock(chain.headParent(), chain.params, 1n, { publicKey: VALIDATORS[1]!.hex, secretKey: VALIDATORS[1]!.secretKey }, [forged(transfer(0n))])).block;
    expect(await codeOf(chain.importBlock(wrongProposer, FAR))).toBe(ChainErrorCode.WrongProposer);
    expect(await codeOf(chain.importBlock(block, FAR))).toBe(ChainErrorCode.InvalidSignature);
  });

  it('submitTx and submitTxs check signatures on the pool and keep the mempool\'s codes', async () => {
    const chain = await openChain(2);
    expect(await codeOf(chain.submitTx(forged(transfer(0n)).bytes))).toBe(ChainErrorCode.InvalidSignature);
    const results = await chain.submitTxs([transfer(0n).bytes, forged(transfer(1n)).bytes, transfer(1n).bytes, new Uint8Array([1, 2, 3]), transfer(1n).bytes]);
    expect(results.map((r) => (r.ok ? 'ok' : (r.error as { code: string }).code))).toEqual([
      'ok',
      ChainErrorCode.InvalidSignature,
      'ok',
      ChainErrorCode.MalformedBytes,
      ChainErrorCode.DuplicateTx,
    ]);
    expect(chain.mempool.size).toBe(2);
    const refused = forged(transfer(5n));
    expect(await codeOf(chain.submitTx(refused.bytes))).toBe(ChainErrorCode.InvalidSignature);
    expect(await chain.txStatus(Buffer.from(refused.hash).toString('hex'))).toMatchObject({ status: 'rejected', code: ChainErrorCode.InvalidSignature });
    const block = await chain.produce(1n, proposer);
    expect(block.txs).toHaveLength(2);
  });

  it('a pending or included tx with a forged signature (same hash) is InvalidSignature, not DuplicateTx', async () => {
    const chain = await openChain(2);
    const first = transfer(0n);
    await chain.submitTx(first.bytes);
    expect(await codeOf(chain.submitTx(forged(first).bytes))).toBe(ChainErrorCode.InvalidSignature);
    expect(await codeOf(chain.submitTx(first.bytes))).toBe(ChainErrorCode.DuplicateTx);
    await chain.produce(1n, proposer);
    expect(await chain.txStatus(Buffer.from(first.hash).toString('hex'))).toMatchObject({ status: 'included' });
    expect(await codeOf(chain.submitTx(forged(first).bytes))).toBe(ChainErrorCode.InvalidSignature);
    expect(await codeOf(chain.submitTx(first.bytes))).toBe(ChainErrorCode.DuplicateTx);
  });

  it('does not verify again the signatures of block txs that its mempool already holds', async () => {
    const counted: number[] = [];
    const inline = new VerifyPool({ threads: 0 });
    const verifier = { verify: (checks: readonly SignatureCheck[]) => (counted.push(checks.length), inline.verify(checks)), close: () => inline.close() };
    const dir = mkdtempSync(join(tmpdir(), 'dchat-verify-'));
    dirs.push(dir);
    const a = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(1), logger, verifier });
    chains.push(a);
    const b = await openChain(0);
    const pending = [transfer(0n), transfer(1n)];
    for (const tx of pending) {
      await a.submitTx(tx.bytes);
      await b.submitTx(tx.bytes);
    }
    await b.submitTx(transfer(2n).bytes);
    expect(counted).toEqual([1, 1]);
    const block = await b.produce(1n, proposer);
    expect(block.txs).toHaveLength(3);
    await a.importBlock(block, FAR);
    // Only the tx A had never seen went to the verifier.
    expect(counted).toEqual([1, 1, 1]);
    expect(a.head.hash).toEqual(block.hash);
    // A tx A holds, but with another signature over the same hash, is checked: a forged one is refused.
    const c = await openChain(0);
    await c.submitTx(transfer(0n).bytes);
    const header = { ...(await blockWith(c, [])).header, txRoot: txRoot([forged(transfer(0n))]) };
    expect(await codeOf(c.importBlock(sealBlock(header, [forged(transfer(0n))], proposer.secretKey), FAR))).toBe(ChainErrorCode.InvalidSignature);
  });

  it('a mempool told a signature is verified still checks the chain id', async () => {
    const { genesis } = await testGenesis();
    const mempool = new Mempool({ chainId: 'dchat-test', maxTxs: 10, maxPerSender: 10 }, { state: genesis.state, height: 0n, timestampMs: genesis.header.timestampMs });
    const other = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 10n }, 'elsewhere');
    expect(() => mempool.add(other, { signatureVerified: true })).toThrow(expect.objectContaining({ code: ChainErrorCode.WrongChainId }));
    expect(() => mempool.add(forged(transfer(0n)))).toThrow(expect.objectContaining({ code: ChainErrorCode.InvalidSignature }));
    mempool.add(transfer(0n), { signatureVerified: true });
    expect(mempool.size).toBe(1);
  });

  it('lets a block share the checks of its txs still on their way into the mempool (the exact copies only)', async () => {
    // A verifier that counts the checks asked of it and answers them only once the gate opens.
    const inner = new VerifyPool({ threads: 0 });
    let asked = 0;
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const verifier = {
      verify: async (checks: readonly SignatureCheck[]) => {
        asked += checks.length;
        await gate;
        return inner.verify(checks);
      },
      close: () => inner.close(),
    };
    const dir = mkdtempSync(join(tmpdir(), 'dchat-verify-'));
    dirs.push(dir);
    const chain = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(1), logger, verifier });
    chains.push(chain);
    const intake = (chain as unknown as { intake: TxIntake }).intake;
    const txs = [transfer(0n), transfer(1n)];
    const submitted = chain.submitTxs(txs.map((t) => t.bytes));
    expect(asked).toBe(2);
    // Only the exact copy shares a check: a forged one (same hash, other signature) gets its own.
    expect(intake.signatureInFlight(txs[0]!)).toBeInstanceOf(Promise);
    expect(intake.signatureInFlight(forged(txs[0]!))).toBeUndefined();
    // The block with both copies asks nothing more of the verifier.
    const imported = chain.importBlock(await blockWith(chain, txs), FAR);
    expect(asked).toBe(2);
    open();
    expect((await imported).outcome).toBe('extended');
    expect(asked).toBe(2);
    // The admissions come after the block: both txs are included already.
    expect((await submitted).map((r) => (r.ok ? 'ok' : (r.error as { code: string }).code))).toEqual(['DuplicateTx', 'DuplicateTx']);
    expect(intake.signatureInFlight(txs[0]!)).toBeUndefined();
  });
});
