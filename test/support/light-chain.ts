/**
 * A small signed chain for the light client's tests: four validators, blocks signed by each slot's
 * proposer, a state tree (src/chain/state-tree) holding account records, and a read-only view
 * with `proveState` built from that tree (MemoryNodeStore + proveKey), served by the node's own
 * API (buildApi). Blocks carry no transactions: each writes the balances it is given. With a
 * `switch`, the chain also changes its validator set as docs/protocol.md §17.7 does: the pending
 * set is written at `scheduledAt` and put in force at `activation`, where the new keys take over.
 */
import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { ChainView, StateProofAnswer } from '../../src/chain/chain-view.ts';
import { type Block, type BlockHeader, assembleBlock, sealBlock, txRoot } from '../../src/chain/codec/block.ts';
import { encodeStateValue } from '../../src/chain/codec/state.ts';
import type { ValidatorSetChange } from '../../src/chain/store/chain-store.ts';
import { ChainError, ChainErrorCode } from '../../src/chain/errors.ts';
import { type KeyPair, keyPairFromSeed, toHex } from '../../src/chain/crypto.ts';
import { finalizedHeight } from '../../src/chain/fork-choice.ts';
import { PROTOCOL_VERSION } from '../../src/chain/protocol-version.ts';
import { EMPTY_ROOT, MemoryNodeStore, type TreeRoot, applyWrites, proveKey } from '../../src/chain/state-tree/index.ts';
import type { ApiLimits } from '../../src/node/api/limits.ts';
import { buildApi } from '../../src/node/api/server.ts';
import { createLogger } from '../../src/node/logger.ts';
import { encodeStateProof, type TrustedGenesis } from '../../src/light/index.ts';
import { type Account, EMPTY_ACCOUNT, META_PENDING_VALIDATORS, META_VALIDATORS, type Validator, accountKey } from '../../src/tokenomics/index.ts';

export const VALIDATOR_KEYS: readonly KeyPair[] = [1, 2, 3, 4].map((i) => keyPairFromSeed(new Uint8Array(32).fill(i)));
export const GENESIS: TrustedGenesis = {
  chainId: 'light-test',
  genesisTimeMs: 1_700_000_000_000n,
  blockTimeMs: 1_000n,
  validators: VALIDATOR_KEYS.map((k) => toHex(k.publicKey)),
};
export const ALICE = '6f0e6a2e-9d1c-5b3a-8f4e-0a1b2c3d4e5f';
export const BOB = '7a1b2c3d-4e5f-5a6b-8c7d-8e9f0a1b2c3d';
export const NOBODY = '00000000-0000-5000-8000-000000000000';

/** Keys 5, 6, 7: a set with no key of the genesis one. */
export const NEXT_KEYS: readonly KeyPair[] = [5, 6, 7].map((i) => keyPairFromSeed(new Uint8Array(32).fill(i)));

export interface SetSwitch {
  readonly scheduledAt: bigint;
  readonly activation: bigint;
  readonly keys: readonly KeyPair[];
}

const asValidators = (keys: readonly KeyPair[]): Validator[] => keys.map((k) => ({ publicKey: toHex(k.publicKey), rewardWallet: NOBODY }));

export interface LightChain {
  readonly blocks: readonly Block[];
  readonly view: ChainView;
  /** The balances at each height (what an honest node proves). */
  balanceAt(id: string, height: bigint): bigint;
}

const accountRecord = (balance: bigint): Uint8Array => encodeStateValue('account:x', { ...EMPTY_ACCOUNT, balance, nonce: 3n } as Account);

/**
 * Height h > 0 is proposed in slot h (no missed slots) by the set in force, and sets Alice's
 * balance to 1,000 + h.
 */
export async function buildLightChain(heights = 12, change?: SetSwitch): Promise<LightChain> {
  const store = new MemoryNodeStore();
  const roots: TreeRoot[] = [];
  const values: Map<string, Uint8Array | null>[] = [];
  const blocks: Block[] = [];
  const genesisSet = asValidators(VALIDATOR_KEYS);
  const nextSet = change === undefined ? null : asValidators(change.keys);
  const keysAt = (h: bigint): readonly KeyPair[] => (change !== undefined && h >= change.activation ? change.keys : VALIDATOR_KEYS);
  let root = EMPTY_ROOT;
  let current = new Map<string, Uint8Array | null>();
  for (let h = 0n; h <= BigInt(heights); h++) {
    const writes: [string, Uint8Array | null][] = h === 0n ? [[accountKey(ALICE), accountRecord(1_000n)], [accountKey(BOB), accountRecord(5n)], [META_VALIDATORS, encodeStateValue(META_VALIDATORS, genesisSet)]] : [[accountKey(ALICE), accountRecord(1_000n + h)]];
    if (change !== undefined && nextSet !== null && h === change.scheduledAt) writes.push([META_PENDING_VALIDATORS, encodeStateValue(META_PENDING_VALIDATORS, { validators: nextSet, activationHeight: change.activation })]);
    if (change !== undefined && nextSet !== null && h === change.activation) writes.push([META_VALIDATORS, encodeStateValue(META_VALIDATORS, nextSet)], [META_PENDING_VALIDATORS, null]);
    const update = await applyWrites(store, root, h, writes.map(([k, v]) => [Buffer.from(k, 'ascii'), v] as const));
    store.apply(update);
    root = update.root;
    current = new Map([...current, ...writes]);
    roots.push(root);
    values.push(current);
    const keys = keysAt(h);
    const key = keys[Number(h % BigInt(keys.length))]!;
    const header: BlockHeader = {
      protocolVersion: BigInt(PROTOCOL_VERSION),
      chainId: GENESIS.chainId,
      height: h,
      slot: h,
      parentHash: h === 0n ? new Uint8Array(32) : blocks.at(-1)!.hash,
      timestampMs: GENESIS.genesisTimeMs + h * GENESIS.blockTimeMs,
      proposer: h === 0n ? '00'.repeat(32) : toHex(key.publicKey),
      txRoot: txRoot([]),
      stateRoot: root.hash,
    };
    blocks.push(h === 0n ? assembleBlock(header, [], new Uint8Array(64)) : sealBlock(header, [], key.secretKey));
  }
  const head = blocks.at(-1)!;
  const headSet = asValidators(keysAt(head.header.height));
  const final = finalizedHeight(blocks.map((b) => b.header), headSet, 0n);
  const changes: ValidatorSetChange[] = [{ activationHeight: 0n, validators: genesisSet, previousCount: 0, anchorProof: null }];
  if (change !== undefined && nextSet !== null && change.activation <= head.header.height) changes.push({ activationHeight: change.activation, validators: nextSet, previousCount: genesisSet.length, anchorProof: null });
  const view = {
    params: { chainId: GENESIS.chainId, genesisTimeMs: GENESIS.genesisTimeMs, blockTimeMs: GENESIS.blockTimeMs },
    head: { header: head.header, hash: head.hash },
    finalizedHeight: final,
    state: { get: () => undefined, has: () => false, keysWithPrefix: () => [] },
    mempool: { size: 0, pendingOf: () => 0 },
    events: new EventEmitter(),
    validators: () => headSet,
    evidence: () => [],
    blockAt: async (height: bigint) => blocks[Number(height)] ?? null,
    proveState: async (keyBytes: Uint8Array, height = final): Promise<StateProofAnswer> => {
      const block = blocks[Number(height)];
      if (block === undefined) throw new ChainError(ChainErrorCode.UnknownHeight, `No block at height ${height}.`);
      const { proof } = await proveKey(store, roots[Number(height)]!, keyBytes);
      const value = values[Number(height)]!.get(Buffer.from(keyBytes).toString('latin1')) ?? null;
      return { height, header: block.header, blockHash: block.hash, value, proof: encodeStateProof(proof) };
    },
    proveValueAt: async (keyBytes: Uint8Array, _value: Uint8Array | null, height: bigint) => encodeStateProof((await proveKey(store, roots[Number(height)]!, keyBytes)).proof),
    validatorSetChanges: async (after: bigint, limit: number) => changes.filter((c) => c.activationHeight > after).slice(0, limit),
    validatorSetAt: async (height: bigint) => changes.filter((c) => c.activationHeight <= height).at(-1)!,
  } as unknown as LightChain['view'];
  return { blocks, view, balanceAt: (id, height) => (id === ALICE ? 1_000n + height : id === BOB ? 5n : 0n) };
}

/** The node's API over the light chain, listening on a loopback port. */
export async function serveLightChain(chain: LightChain, limits?: ApiLimits): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildApi({
    ...(limits === undefined ? {} : { limits }),
    chain: chain.view,
    txs: { submitTx: async () => { throw new Error('read-only'); }, submitTxs: async () => { throw new Error('read-only'); } },
    logger: createLogger('silent', false),
    producer: null,
    dev: false,
    nodeInfo: () => ({ chain_id: GENESIS.chainId }),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}
