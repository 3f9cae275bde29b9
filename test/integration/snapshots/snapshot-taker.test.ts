/**
 * State snapshots taken by a running node (src/node/snapshots/snapshot-taker.ts, docs/protocol.md
 * §20): a dev node with `snapshot_interval` 4 and `snapshot_keep` 2 writes `snapshots/<H>/` for each
 * 4th height once it is final, whose manifest checks against that block's header and whose every
 * chunk checks against the manifest, and whose pairs are exactly the state of H (the tree root over
 * them is H's state_root, though blocks went on while it was cut); only the newest two stay, and
 * GET /v1/snapshots lists them.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeManifest } from '../../../src/chain/snapshot/format.ts';
import { verifyChunk, verifyManifest } from '../../../src/chain/snapshot/verify.ts';
import { loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { MANIFEST_FILE, chunkFile } from '../../../src/node/snapshots/snapshot-taker.ts';
import { api, waitFor } from '../node-client.ts';

let node: DchatNode;
let dataDir = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dchat-snapshots-'));
  const config = loadConfig({ dev: true, data_dir: dataDir, api_port: 0, block_time_ms: '200', log_level: 'silent', snapshot_interval: 4, snapshot_keep: 2 });
  node = await DchatNode.init(config, { logger: createLogger('silent', false) });
}, 30_000);
afterAll(async () => {
  await node?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('state snapshots of a running node', () => {
  it('writes a snapshot of every 4th final height that checks against its block, and keeps the newest two', async () => {
    const heights = await waitFor('three snapshots taken', async () => {
      const taken = await node.snapshots.heights();
      return node.chain.finalizedHeight >= 12n && taken.length === 2 && taken[0]! >= 12n ? taken : undefined;
    }, 30_000);
    expect(heights.every((h) => h % 4n === 0n)).toBe(true);
    expect(heights[0]! - heights[1]!).toBe(4n);
    const root = join(dataDir, 'snapshots');
    expect(readdirSync(root).filter((n) => /^\d+$/.test(n)).sort()).toEqual(heights.map(String).sort());
    for (const height of heights) {
      const dir = join(root, String(height));
      const manifest = decodeManifest(readFileSync(join(dir, MANIFEST_FILE)));
      const block = (await node.chain.blockAt(height))!;
      // The manifest's subtree roots combine to the block's state_root (§20.3).
      verifyManifest(manifest, { height, hash: block.hash, stateRoot: block.header.stateRoot });
      let pairs = 0;
      for (let i = 0; i < manifest.chunks.length; i++) pairs += verifyChunk(manifest, i, readFileSync(join(dir, chunkFile(i)))).length;
      expect(pairs).toBe(manifest.chunks.reduce((n, c) => n + c.entries, 0));
      expect(pairs).toBeGreaterThan(10);
    }
    // GET /v1/snapshots lists them as their manifests state them, newest first.
    const listed = (await api<{ snapshots: { height: string; state_root: string; pairs: string; chunks: number }[] }>(node.apiUrl, '/v1/snapshots')).body.snapshots;
    const shown = listed.filter((s) => heights.includes(BigInt(s.height)));
    expect(shown.map((s) => BigInt(s.height))).toEqual(heights);
    for (const s of shown) expect(s.state_root).toBe(Buffer.from((await node.chain.blockAt(BigInt(s.height)))!.header.stateRoot).toString('hex'));
  }, 40_000);
});
