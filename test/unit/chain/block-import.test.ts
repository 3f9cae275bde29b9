import { describe, expect, it } from 'vitest';
import { BlockError, BlockErrorCode } from '../../../src/chain/block-error.ts';
import { importBlock } from '../../../src/chain/block-import.ts';
import { produceBlock } from '../../../src/chain/block-production.ts';
import type { SignedTx } from '../../../src/chain/codec/tx.ts';
import { type BlockHeader, decodeBlock, sealBlock, txRoot } from '../../../src/chain/codec/block.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { PROTOCOL_VERSION } from '../../../src/chain/protocol-version.ts';
import { MemoryState } from '../../../src/tokenomics/index.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from './chain-fixture.ts';
import { genesisParent } from '../../../src/chain/genesis-block.ts';
import { codeOfAsync } from '../../support/error-code.ts';

const { genesis, parent } = await genesisParent(testGenesisConfig(3));
const params = genesis.state.get('meta:params') as never as { blockTimeMs: bigint; chainId: string } & Parameters<typeof produceBlock>[1];
const proposer = (i: number) => ({ publicKey: VALIDATORS[i]!.hex, secretKey: VALIDATORS[i]!.secretKey });
const transfer = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1_000n });

/** Slot 1 belongs to validators[1 mod 3]. */
function goodBlock() {
  return produceBlock(parent, params, 1n, proposer(1), [transfer]);
}

/** Re-signs a modified header with a given key, so only the intended defect remains. */
async function withHeader(change: Partial<BlockHeader>, signer = 1, txs?: readonly SignedTx[]) {
  const good = (await goodBlock()).block;
  const header = { ...good.header, ...change };
  txs ??= good.txs;
  return sealBlock(header, txs, VALIDATORS[signer]!.secretKey);
}

describe('block validation (docs/protocol.md §3.3)', () => {
  it('accepts a produced block and reaches the same state root on import', async () => {
    const produced = await goodBlock();
    const wire = decodeBlock(produced.block.bytes);
    const imported = await importBlock(wire, parent, 1n);
    expect(imported.stateRoot).toEqual(produced.block.header.stateRoot);
    expect(wire.txs).toHaveLength(1);
    const state = new MemoryState(genesis.state.sortedEntries());
    state.commit(imported.writes);
    expect((state.get(`account:${USER.wallet}`) as { balance: bigint }).balance).toBe(990n);
  });

  it('refuses a block from the wrong proposer', async () => {
    const block = (await produceBlock(parent, params, 1n, proposer(2), [])).block;
    expect((await codeOfAsync(importBlock(block, parent, 1n)))).toBe(ChainErrorCode.WrongProposer);
  });

  it('refuses a bad signature', async () => {
    const block = await withHeader({}, 2); // signed by validator 2 for validator 1's slot
    expect((await codeOfAsync(importBlock(block, parent, 1n)))).toBe(ChainErrorCode.InvalidSignature);
  });

  it('refuses a bad state root', async () => {
    const block = await withHeader({ stateRoot: new Uint8Array(32).fill(7) });
    expect((await codeOfAsync(importBlock(block, parent, 1n)))).toBe(ChainErrorCode.BadStateRoot);
  });

  it('refuses a header of another protocol version (docs/protocol.md §3.1, §12), before anything else', async () => {
    const ours = BigInt(PROTOCOL_VERSION);
    for (const protocolVersion of [ours - 1n, ours + 1n]) {
      const block = await withHeader({ protocolVersion, chainId: 'other-chain' });
      const err = await thrownAsync(importBlock(block, parent, 1n));
      expect((err as BlockError).type).toEqual({ code: BlockErrorCode.WrongProtocolVersion, version: protocolVersion, expected: ours });
      expect((err as BlockError).verdict).toBe('reject');
    }
  });

  it('refuses a bad tx root', async () => {
    const block = await withHeader({ txRoot: txRoot([]) });
    expect((await codeOfAsync(importBlock(block, parent, 1n)))).toBe(ChainErrorCode.BadTxRoot);
  });

  it('refuses a slot more than one ahead of the local clock', async () => {
    const block = (await produceBlock(parent, params, 4n, proposer(1), [])).block;
    expect((await codeOfAsync(importBlock(block, parent, 2n)))).toBe(ChainErrorCode.FutureSlot);
    expect((await importBlock(block, parent, 3n)).stateRoot).toEqual(block.header.stateRoot);
  });

  it('refuses an unknown parent', async () => {
    const block = await withHeader({ parentHash: new Uint8Array(32).fill(1) });
    expect((await codeOfAsync(importBlock(block, parent, 1n)))).toBe(ChainErrorCode.UnknownParent);
  });

  it('refuses a timestamp that is not its slot start, and a slot not after the parent', async () => {
    expect((await codeOfAsync(importBlock(await withHeader({ timestampMs: (await goodBlock()).block.header.timestampMs + 1n }), parent, 1n)))).toBe(ChainErrorCode.InvalidBlock);
    const zeroSlot = (await produceBlock(parent, params, 0n, proposer(0), [])).block;
    expect((await codeOfAsync(importBlock(zeroSlot, parent, 1n)))).toBe(ChainErrorCode.InvalidBlock);
  });

  it('refuses a block with a transaction that fails (replayed nonce, bad signature, other chain)', async () => {
    const replay = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1n });
    const twice = await withHeader({ txRoot: txRoot([transfer, replay]) }, 1, [transfer, replay]);
    expect((await codeOfAsync(importBlock(twice, parent, 1n)))).toBe(ChainErrorCode.InvalidBlock);
    const forged = { ...transfer, signature: new Uint8Array(64).fill(3) };
    const forgedBlock = await withHeader({}, 1, [forged]);
    expect((await codeOfAsync(importBlock(forgedBlock, parent, 1n)))).toBe(ChainErrorCode.InvalidSignature);
    const otherChain = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1n }, 'other-chain');
    expect((await codeOfAsync(importBlock(await withHeader({ txRoot: txRoot([otherChain]) }, 1, [otherChain]), parent, 1n)))).toBe(ChainErrorCode.WrongChainId);
  });

  it('the producer leaves out a failing transaction with its reason and still builds a valid block', async () => {
    const tooMuch = signed(USER, 0n, { type: 'transfer', to: DEV.wallet, amount: 5n }); // USER has nothing
    const produced = await produceBlock(parent, params, 1n, proposer(1), [tooMuch, transfer]);
    expect(produced.block.txs).toHaveLength(1);
    expect(produced.rejected.map((r) => r.error.code)).toEqual(['InsufficientBalance']);
    expect((await importBlock(produced.block, parent, 1n)).stateRoot).toEqual(produced.block.header.stateRoot);
  });

  it('keeps a failing tx\'s own error as a field of the BlockError (not wrapped), with the verdict it implies', async () => {
    const replay = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1n });
    const twice = await withHeader({ txRoot: txRoot([transfer, replay]) }, 1, [transfer, replay]);
    const err = (await thrownAsync(importBlock(twice, parent, 1n)));
    expect(err).toBeInstanceOf(BlockError);
    const type = (err as BlockError).type;
    expect(type).toMatchObject({ code: BlockErrorCode.InvalidBlock, height: 1n, rule: 'tx' });
    expect(type.code === BlockErrorCode.InvalidBlock && type.txError?.code).toBe('InvalidNonce');
    expect((err as BlockError).verdict).toBe('reject');
    expect(((err as BlockError).cause as { code: string }).code).toBe('InvalidNonce');
  });

  it('carries the fields of each refusal: the slots of FutureSlot, the expected proposer of WrongProposer', async () => {
    const early = (await produceBlock(parent, params, 4n, proposer(1), [])).block;
    expect(((await thrownAsync(importBlock(early, parent, 2n))) as BlockError).type).toEqual({ code: BlockErrorCode.FutureSlot, slot: 4n, currentSlot: 2n });
    const wrong = (await produceBlock(parent, params, 1n, proposer(2), [])).block;
    expect(((await thrownAsync(importBlock(wrong, parent, 1n))) as BlockError).type).toEqual({
      code: BlockErrorCode.WrongProposer, slot: 1n, proposer: VALIDATORS[2]!.hex, expected: VALIDATORS[1]!.hex,
    });
  });

  it('takes the proposer signature as verified when told (gossip checked it), and still checks who the proposer must be', async () => {
    const good = (await goodBlock()).block;
    const unsigned = { ...good, signature: new Uint8Array(64) };
    expect((await codeOfAsync(importBlock(unsigned, parent, 1n)))).toBe(ChainErrorCode.InvalidSignature);
    expect((await importBlock(unsigned, parent, 1n, { proposerSignatureVerified: true })).stateRoot).toEqual(good.header.stateRoot);
    const wrong = (await produceBlock(parent, params, 1n, proposer(2), [])).block;
    expect((await codeOfAsync(importBlock(wrong, parent, 1n, { proposerSignatureVerified: true })))).toBe(ChainErrorCode.WrongProposer);
  });

  it('runs the before-execution check after the header checks and before any tx', async () => {
    const calls: string[] = [];
    const forged = await withHeader({}, 2);
    expect((await codeOfAsync(importBlock(forged, parent, 1n, { beforeExecution: () => calls.push('forged') })))).toBe(ChainErrorCode.InvalidSignature);
    const replay = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1n });
    const twice = await withHeader({ txRoot: txRoot([transfer, replay]) }, 1, [transfer, replay]);
    const stop = new Error('stopped before execution');
    expect((await thrownAsync(importBlock(twice, parent, 1n, { beforeExecution: () => { calls.push('twice'); throw stop; } })))).toBe(stop);
    expect(calls).toEqual(['twice']);
  });
});

async function thrownAsync(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (err) {
    return err;
  }
  return expect.unreachable('expected a throw');
}
