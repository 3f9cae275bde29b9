/**
 * The README's backup and restore procedure, done to a node: stop it, archive its data dir with
 * tar, restore the archive into an empty dir, start from there: same chain id, same head (height,
 * hash and state root), same dev wallet, and it produces on from that head. A node started on a
 * restored dir at a wider mode tightens it again (0700).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/chain/crypto.ts';
import { loadConfig } from '../../src/node/config.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DchatNode } from '../../src/node/node.ts';

const root = mkdtempSync(join(tmpdir(), 'dchat-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const logger = createLogger('silent', false);
const start = (dataDir: string): Promise<DchatNode> =>
  DchatNode.init(loadConfig({ dev: true, data_dir: dataDir, api_port: 0, block_time_ms: '100', log_level: 'silent' }, {}), { logger });

const heightReached = (node: DchatNode, height: bigint): Promise<void> =>
  new Promise((resolve) => {
    const check = (): void => {
      if (node.chain.head.header.height < height) return;
      node.chain.events.off('block', check);
      resolve();
    };
    node.chain.events.on('block', check);
    check();
  });

describe('backup and restore of a data dir', () => {
  it('a tar of the stopped node, restored elsewhere, starts at the same head and goes on', async () => {
    const original = join(root, 'node');
    const node = await start(original);
    await heightReached(node, 3n);
    await node.close();
    const head = node.chain.head;
    const devWallet = node.dev!.devWalletId;

    const archive = join(root, 'backup.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', original, '.']);
    const restored = join(root, 'restored');
    mkdirSync(restored);
    execFileSync('tar', ['-xzf', archive, '-C', restored]);
    chmodSync(restored, 0o755);

    const again = await start(restored);
    try {
      expect(again.chain.params.chainId).toBe(node.chain.params.chainId);
      expect(again.chain.head.header.height).toBe(head.header.height);
      expect(toHex(again.chain.head.hash)).toBe(toHex(head.hash));
      expect(toHex(again.chain.head.header.stateRoot)).toBe(toHex(head.header.stateRoot));
      expect(again.dev!.devWalletId).toBe(devWallet);
      expect(statSync(restored).mode & 0o777).toBe(0o700);
      await heightReached(again, head.header.height + 1n);
      expect(toHex((await again.chain.blockAt(head.header.height))!.hash)).toBe(toHex(head.hash));
    } finally {
      await again.close();
    }
  });
});
