/**
 * State sync on a chain whose validator set changed (docs/protocol.md §19.1, §20.5), without a
 * network: a source chain of 3 validators adds a fourth at height 8, a snapshot is cut at height
 * 20 (under the 4-validator set), and a fresh node runs StateSync against the source's answers.
 * It trusts the snapshot's block by the finality check after learning the change from the peer and
 * checking it as the light client does, installs the state and then imports the source's later
 * blocks. A peer that withholds the change, or alters it, gets no snapshot trusted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerId } from '@libp2p/interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { type SnapshotManifest, decodeManifest, depthFor, encodeManifest } from '../../../src/chain/snapshot/format.ts';
import { writeSnapshot } from '../../../src/chain/snapshot/writer.ts';
import { validatorSetsJson } from '../../../src/node/api/routes/light.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { StateSyncErrorCode } from '../../../src/node/statesync/errors.ts';
import { StateSync, type StateSyncDeps } from '../../../src/node/statesync/state-sync.ts';
import { trustedGenesisOf } from '../../../src/node/statesync/trusted-block.ts';
import type { Validator } from '../../../src/tokenomics/index.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { AUTHORITY_KEY, DEV, type NamedKey, USER, VALIDATORS, namedKey, signed, testGenesisConfig } from '../chain/chain-fixture.ts';
import { produceNext } from '../chain/produce-next.ts';
import { tempChains } from '../chain/temp-chains.ts';

const temp = tempChains('statesync-sets');
const KEYS = [...VALIDATORS, namedKey(4)];
const asValidator = (k: NamedKey): Validator => ({ publicKey: k.hex, rewardWallet: DEV.wallet });
const ACTIVATION = 8n;
const SNAPSHOT_AT = 20n;
const HEAD = 34n;
const dirs: string[] = [];
const logger = createLogger('silent', false);
const peer = { toString: () => 'source' } as unknown as PeerId;

let source: Chain;
let manifestBytes: Uint8Array;
const chunks = new Map<number, Uint8Array>();

beforeAll(async () => {
  source = await temp.open(3);
  await source.submitTx(signed(AUTHORITY_KEY, 0n, { type: 'set-validators', validators: KEYS.map(asValidator), activationHeight: ACTIVATION }).bytes);
  await source.submitTx(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 500n }).bytes);
  while (source.head.header.height < SNAPSHOT_AT) await produceNext(source, KEYS);
  const head = source.head;
  const manifest = await writeSnapshot(source.store.statePairsNow(), {
    block: { height: head.header.height, hash: head.hash, stateRoot: head.header.stateRoot },
    depth: depthFor(source.state.size, 8),
    pause: async () => undefined,
    writeChunk: async (index, bytes) => void chunks.set(index, bytes),
  });
  manifestBytes = encodeManifest(manifest);
  while (source.head.header.height < HEAD) await produceNext(source, KEYS);
}, 60_000);

afterAll(async () => {
  await temp.closeAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A StateSync of a fresh node against the source, its validator set pages as `pages` answers them. */
async function joinWith(pages: StateSyncDeps['validatorSets']): Promise<{ chain: Chain; sync: StateSync; banned: string[] }> {
  const chain = await temp.open(3);
  const banned: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'dchat-statesync-sets-'));
  dirs.push(dataDir);
  const sync = new StateSync(
    {
      chain, logger, nowMs: () => Date.now(),
      peers: () => [peer],
      manifest: async (): Promise<SnapshotManifest> => decodeManifest(manifestBytes),
      chunk: async (_peer, _height, index) => chunks.get(index)!,
      blocks: async (_peer, { startHeight, count }) => {
        const out = [];
        for (let h = startHeight; h < startHeight + count && h <= source.head.header.height; h++) out.push((await source.blockAt(h))!);
        return out;
      },
      ...(pages === undefined ? {} : { validatorSets: pages }),
      ban: (p, reason) => void banned.push(`${p.toString()}: ${reason}`),
    },
    { dataDir, genesis: trustedGenesisOf(testGenesisConfig(3)), trustedHash: null, discoverMs: 500 },
  );
  return { chain, sync, banned };
}

/** The source's pages as the validator-sets protocol carries them: JSON. */
const honestPages: NonNullable<StateSyncDeps['validatorSets']> = async (_peer, after, limit) => JSON.parse(JSON.stringify(await validatorSetsJson(source, after, limit))) as unknown;

describe('state sync across a validator set change', () => {
  it('learns the change from the peer, trusts the snapshot block under the new set, restores it and follows the chain', async () => {
    const { chain, sync, banned } = await joinWith(honestPages);
    expect(await sync.run()).toBe(true);
    expect(chain.head.header.height).toBe(SNAPSHOT_AT);
    expect(toHex(chain.head.header.stateRoot)).toBe(toHex((await source.blockAt(SNAPSHOT_AT))!.header.stateRoot));
    expect(chain.validators().map((v) => v.publicKey)).toEqual(KEYS.map((k) => k.hex));
    for (let h = SNAPSHOT_AT + 1n; h <= HEAD; h++) expect((await chain.importBlock((await source.blockAt(h))!, 1_000_000n)).outcome).toBe('extended');
    expect(toHex(chain.head.hash)).toBe(toHex(source.head.hash));
    expect(chain.state.sortedEntries()).toEqual(source.state.sortedEntries());
    expect(banned).toEqual([]);
  });

  it('trusts no snapshot when the peer withholds the change, alters it, or none are asked', async () => {
    const withheld = await joinWith(async () => ({ changes: [], next_after: null }));
    expect(await codeOfAsync(withheld.sync.run())).toBe(StateSyncErrorCode.UntrustedSnapshot);
    const altered = await joinWith(async (p, after, limit) => {
      const page = (await honestPages(p, after, limit)) as { changes: { pending_value_hex: string }[] };
      // The new set's first key changed: the proof of meta:pending-validators no longer holds.
      for (const change of page.changes) change.pending_value_hex = change.pending_value_hex.replace(KEYS[0]!.hex, KEYS[1]!.hex);
      return page;
    });
    expect(await codeOfAsync(altered.sync.run())).toBe(StateSyncErrorCode.UntrustedSnapshot);
    const genesisOnly = await joinWith(undefined);
    expect(await codeOfAsync(genesisOnly.sync.run())).toBe(StateSyncErrorCode.UntrustedSnapshot);
    for (const { chain } of [withheld, altered, genesisOnly]) expect(chain.head.header.height).toBe(0n);
  });
});
