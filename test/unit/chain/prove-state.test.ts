/**
 * Chain.proveState (docs/protocol.md §18.4): the value of a state key at a canonical height with
 * its proof, against the tree root the chain stored for that block; present and absent keys, past
 * heights (the value walked back through undo records), the default height, and the typed errors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.ts';
import { decodeStateValue, stateKeyBytes } from '../../../src/chain/codec/state.ts';
import { PROVABLE_DEPTH, type ProofSources, oldestProvable, proveStateAt } from '../../../src/chain/chain-tree.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { LightErrorCode, verifyStateProof } from '../../../src/light/index.ts';
import { type Account, MemoryState, accountKey } from '../../../src/tokenomics/index.ts';
import { DEV, USER, VALIDATORS, signed } from './chain-fixture.ts';
import { tempChains } from './temp-chains.ts';
import { bulkRoot } from './tree-roots.ts';

const temp = tempChains('prove');
afterAll(() => temp.closeAll());

const userKey = accountKey(USER.wallet);
const producer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };

/** Three blocks (transfers to USER in the first two); `balances[h]`: USER's balance after block h, as the chain's state said. */
async function chainWithTransfers(): Promise<{ chain: Chain; balances: bigint[] }> {
  const chain = await temp.open(1);
  const balances: bigint[] = [];
  const balance = (): bigint => (chain.state.get(userKey) as Account).balance;
  await chain.submitTx(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 500n }).bytes);
  await chain.produce(1n, producer);
  balances[1] = balance();
  await chain.submitTx(signed(DEV, 1n, { type: 'transfer', to: USER.wallet, amount: 300n }).bytes);
  await chain.produce(2n, producer);
  balances[2] = balance();
  await chain.produce(3n, producer);
  balances[3] = balance();
  return { chain, balances };
}

/** Verifies the answer against the tree root stored for its height and returns the decoded account. */
async function verified(chain: Chain, key: string, height: bigint): Promise<Account | null> {
  const answer = await chain.proveState(stateKeyBytes(key), height);
  expect(answer.height).toBe(height);
  expect(Buffer.from(answer.blockHash)).toEqual(Buffer.from((await chain.blockAt(height))!.hash));
  const root = (await chain.store.tree.rootAt(height))!.hash;
  verifyStateProof({ root, key: stateKeyBytes(key), value: answer.value, proof: answer.proof });
  return answer.value === null ? null : (decodeStateValue(key, answer.value) as Account);
}

describe('Chain.proveState', () => {
  it('proves a balance at the head and at past heights, and absence before it existed', async () => {
    const { chain, balances } = await chainWithTransfers();
    expect(balances[1]).not.toBe(balances[2]);
    expect((await verified(chain, userKey, 3n))?.balance).toBe(balances[3]);
    expect((await verified(chain, userKey, 2n))?.balance).toBe(balances[2]);
    expect((await verified(chain, userKey, 1n))?.balance).toBe(balances[1]);
    expect(await verified(chain, userKey, 0n)).toBeNull();
    expect(await verified(chain, accountKey('00000000-0000-5000-8000-000000000000'), 3n)).toBeNull();
    // The block-by-block tree is the bulk-built tree of the whole state.
    expect(Buffer.from((await chain.store.tree.rootAt(3n))!.hash)).toEqual(Buffer.from(await bulkRoot(chain.state)));
  });

  it('defaults to the last final height', async () => {
    const { chain } = await chainWithTransfers();
    const answer = await chain.proveState(stateKeyBytes(userKey));
    expect(answer.height).toBe(chain.finalizedHeight);
  });

  it('refuses a height above the head, and a proof claiming another value fails', async () => {
    const { chain } = await chainWithTransfers();
    await expect(chain.proveState(stateKeyBytes(userKey), 4n)).rejects.toMatchObject({ code: ChainErrorCode.UnknownHeight });
    await expect(chain.proveState(stateKeyBytes(userKey), -1n)).rejects.toMatchObject({ code: ChainErrorCode.UnknownHeight });
    const answer = await chain.proveState(stateKeyBytes(userKey), 1n);
    const root = (await chain.store.tree.rootAt(2n))!.hash;
    expect(() => verifyStateProof({ root, key: stateKeyBytes(userKey), value: answer.value, proof: answer.proof })).toThrow(expect.objectContaining({ code: LightErrorCode.RootMismatch }));
  });

  it('serves heights down to PROVABLE_DEPTH below the head, or to the last final height when that is lower, and refuses older ones before reading anything', async () => {
    expect(oldestProvable(1_000n, 999n)).toBe(1_000n - PROVABLE_DEPTH);
    expect(oldestProvable(1_000n, 500n)).toBe(500n);
    expect(oldestProvable(100n, 100n)).toBe(0n);
    const read: string[] = [];
    const sources: ProofSources = {
      reader: { getNodes: async (keys) => (read.push('nodes'), keys.map(() => undefined)) },
      rootAt: async () => (read.push('root'), null),
      headerAt: async () => (read.push('header'), null),
      undoRecord: async () => (read.push('undo'), null),
    };
    const head = { state: new MemoryState(), height: 1_000n, oldestProvable: oldestProvable(1_000n, 999n) };
    await expect(proveStateAt(sources, head, stateKeyBytes(userKey), head.oldestProvable - 1n)).rejects.toMatchObject({ code: ChainErrorCode.HeightNotRetained });
    expect(read).toEqual([]);
    // At the oldest provable height the proof is attempted (this fake store has no tree there).
    await expect(proveStateAt(sources, head, stateKeyBytes(userKey), head.oldestProvable)).rejects.toMatchObject({ code: ChainErrorCode.HeightNotRetained });
    expect(read).toContain('root');
  });
});
