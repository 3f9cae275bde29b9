/**
 * State history trimming (src/node/pruning/pruner.ts, docs/protocol.md §20.6) on a real archive
 * chain: a fourth validator joins at height 8 (anchor 1), then 330 blocks. Tree versions below the
 * lowest provable height and undo records past the undo window go; every block, tx and event stays;
 * a set change anchored at a trimmed height keeps its proof, so the light route answers the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.ts';
import { oldestProvable } from '../../../src/chain/chain-tree.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { exportState } from '../../../src/chain/export-state.ts';
import { validatorSetsJson } from '../../../src/node/api/routes/light.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { Pruner } from '../../../src/node/pruning/pruner.ts';
import type { Validator } from '../../../src/tokenomics/index.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { AUTHORITY_KEY, DEV, type NamedKey, USER, VALIDATORS, namedKey, signed } from '../chain/chain-fixture.ts';
import { produceNext } from '../chain/produce-next.ts';
import { tempChains } from '../chain/temp-chains.ts';

const temp = tempChains('trim');
const KEYS = [...VALIDATORS, namedKey(4)];
const asValidator = (k: NamedKey): Validator => ({ publicKey: k.hex, rewardWallet: DEV.wallet });
const ACTIVATION = 8n;
const KEEP_UNDO = 300;
const BLOCKS = 330n;

let chain: Chain;
let pruner: Pruner;
let routeBefore: unknown;

beforeAll(async () => {
  chain = await temp.open(3);
  await chain.submitTx(signed(AUTHORITY_KEY, 0n, { type: 'set-validators', validators: KEYS.map(asValidator), activationHeight: ACTIVATION }).bytes);
  for (let h = 1n; h <= 20n; h++) await produceNext(chain, KEYS);
  // The change's proof as the route makes it while the anchor's tree is still there.
  routeBefore = await validatorSetsJson(chain, 0n, 16);
  pruner = new Pruner(chain, { keepBlocks: null, keepUndo: KEEP_UNDO }, createLogger('silent', false));
  pruner.start();
  for (let i = 0; i < 20; i++) await chain.submitTx(signed(DEV, BigInt(i), { type: 'transfer', to: USER.wallet, amount: 5n }).bytes);
  while (chain.head.header.height < BLOCKS) {
    await produceNext(chain, KEYS);
    await pruner.idle();
  }
  await pruner.drain();
}, 120_000);

afterAll(async () => {
  await pruner.close();
  await temp.closeAll();
});

describe('state history trimming in archive mode', () => {
  it('drops tree versions below the lowest provable height, and proofs there are refused typed', async () => {
    const head = chain.head.header.height;
    const lowest = oldestProvable(head, chain.finalizedHeight);
    const floor = await chain.store.historyFloor('tree');
    // Drained: trimmed up to the lowest provable height (n = 4: the anchor bound 2n + 1 is higher).
    expect(floor).toBe(lowest);
    for (const h of [1n, 2n, lowest - 1n]) expect(await chain.store.tree.rootAt(h)).toBeNull();
    expect(await chain.store.tree.rootAt(lowest)).not.toBeNull();
    const key = new TextEncoder().encode(`account:${USER.wallet}`);
    expect((await chain.proveState(key, lowest)).height).toBe(lowest);
    expect(await codeOfAsync(chain.proveState(key, lowest - 1n))).toBe(ChainErrorCode.HeightNotRetained);
  });

  it('drops undo records past the undo window only, and an export below it is refused typed', async () => {
    const head = chain.head.header.height;
    const floor = await chain.store.historyFloor('undo');
    expect(floor).toBe(head - BigInt(KEEP_UNDO) + 1n);
    expect(await chain.store.undoRecord(floor! - 1n)).toBeNull();
    expect(await chain.store.undoRecord(floor!)).not.toBeNull();
    expect(await codeOfAsync(exportState(chain.store, { height: floor! - 2n, chainId: 'other', genesisTimeMs: 0n }))).toBe(ChainErrorCode.HeightNotRetained);
  });

  it('keeps every block, tx and event (archive)', async () => {
    for (let h = 0n; h <= chain.head.header.height; h++) expect(await chain.blockAt(h)).not.toBeNull();
    expect((await chain.eventsAt('mint', 2n)).length).toBeGreaterThan(0);
    const first = (await chain.blockAt(21n))!.txs[0]!;
    expect((await chain.txStatus(toHex(first.hash))).status).toBe('included');
  });

  it('keeps the proof of a set change anchored at a trimmed height: the light route answers as before', async () => {
    const [change] = await chain.validatorSetChanges(0n, 1);
    expect(change!.activationHeight).toBe(ACTIVATION);
    expect(change!.anchorProof).not.toBeNull();
    expect(await chain.store.tree.rootAt(1n)).toBeNull();
    expect(await validatorSetsJson(chain, 0n, 16)).toEqual(routeBefore);
  });
});
