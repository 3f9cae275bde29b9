/**
 * GET /v1/snapshots: the final state snapshots this node holds and serves to joining peers
 * (docs/protocol.md §20), newest first, each as its manifest states it. At most `snapshot_keep`
 * are held, so the answer stays small.
 */
import { toHex } from '../../../chain/crypto.ts';
import { decodeManifest } from '../../../chain/snapshot/format.ts';
import { ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

export const snapshotRoutes: RouteModule = (app, { snapshots }) => {
  app.get('/v1/snapshots', {
    schema: { summary: 'The final state snapshots this node holds and serves to joining peers, newest first', tags: ['node'] },
    config: { openapi: { responses: { 200: ref('Snapshots') } } },
  }, async () => {
    const out: unknown[] = [];
    for (const height of (await snapshots?.heights()) ?? []) {
      const manifest = await snapshots!.manifest(height);
      if (manifest === null) continue;
      const m = decodeManifest(manifest.bytes);
      out.push({
        height: m.height.toString(), block_hash: toHex(m.blockHash), state_root: toHex(m.stateRoot), depth: m.depth,
        chunks: m.chunks.length, pairs: m.chunks.reduce((n, c) => n + c.entries, 0).toString(), bytes: m.chunks.reduce((n, c) => n + c.bytes, 0).toString(),
      });
    }
    return { snapshots: out };
  });
};
