/**
 * The validator set log (src/chain/store/validator-set-log.ts): the genesis set at height 0, an
 * entry in the batch of each block that writes `meta:validators` (with the previous set's size from
 * its undo record), none for other blocks, and a reorg that abandons the activating block removes
 * its entry (and the branch's own activation, if any, replaces it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../../../src/chain/crypto.ts';
import { ChainStore } from '../../../../src/chain/store/chain-store.ts';
import { META_VALIDATORS, type Validator, type WriteSet } from '../../../../src/tokenomics/index.ts';
import { removeTempDirs, tempDir } from '../../../e2e/cli/harness.ts';

afterEach(removeTempDirs);

const NOBODY = '00000000-0000-5000-8000-000000000000';
const set = (...bytes: number[]): Validator[] => bytes.map((b) => ({ publicKey: b.toString(16).padStart(2, '0').repeat(32), rewardWallet: NOBODY }));
const hash = (height: bigint, branch: number): Uint8Array => sha256(Buffer.from(`${branch}:${height}`));

async function commit(store: ChainStore, height: bigint, writes: WriteSet, undo: WriteSet, branch = 0): Promise<void> {
  await store.commitBlock({
    height, hash: hash(height, branch), blockBytes: Buffer.from(`${branch}:${height}`), stateRoot: new Uint8Array(32),
    writes, undo, events: [], txHashes: [], tree: await store.tree.updateFor(height, writes),
  });
}

describe('the validator set log', () => {
  it('holds genesis and each activation, answers the set in force at any height, and follows a reorg', async () => {
    const store = await ChainStore.open(tempDir('dchat-set-log-'));
    try {
      const genesis = store.genesisBatch();
      genesis.state(new Map([[META_VALIDATORS, set(1, 2, 3, 4)]]));
      await genesis.commit({ hash: hash(0n, 0), blockBytes: Buffer.from('0'), stateRoot: new Uint8Array(32), treeRoot: { hash: new Uint8Array(32), ref: null }, fingerprint: null });
      for (let h = 1n; h <= 4n; h++) await commit(store, h, new Map(), new Map());
      await commit(store, 5n, new Map([[META_VALIDATORS, set(5, 6)]]), new Map([[META_VALIDATORS, set(1, 2, 3, 4)]]));
      await commit(store, 6n, new Map(), new Map());

      const log = store.validatorSets;
      expect(await log.changesAfter(0n, 16)).toEqual([{ activationHeight: 5n, validators: set(5, 6), previousCount: 4, anchorProof: null }]);
      expect(await log.changesAfter(5n, 16)).toEqual([]);
      expect((await log.inForceAt(4n))).toEqual({ activationHeight: 0n, validators: set(1, 2, 3, 4), previousCount: 0, anchorProof: null });
      expect((await log.inForceAt(6n))?.activationHeight).toBe(5n);

      // A branch from height 4 whose block 5 activates nothing, and whose block 6 activates another set.
      await store.commitBranch({
        abandoned: [{ height: 5n, txHashes: [] }, { height: 6n, txHashes: [] }],
        blocks: [
          { height: 5n, hash: hash(5n, 1), blockBytes: Buffer.from('1:5'), writes: new Map(), undo: new Map(), events: [], txHashes: [], tree: await store.tree.updateFor(5n, new Map()) },
        ],
        writes: new Map(),
        head: { height: 5n, hash: hash(5n, 1), stateRoot: new Uint8Array(32) },
      });
      expect(await log.changesAfter(0n, 16)).toEqual([]);
      expect((await log.inForceAt(5n))?.activationHeight).toBe(0n);
      await commit(store, 6n, new Map([[META_VALIDATORS, set(7)]]), new Map([[META_VALIDATORS, set(1, 2, 3, 4)]]), 1);
      expect(await log.changesAfter(0n, 1)).toEqual([{ activationHeight: 6n, validators: set(7), previousCount: 4, anchorProof: null }]);
    } finally {
      await store.close();
    }
  });
});
