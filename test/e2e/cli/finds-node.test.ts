/**
 * The CLI finds the node it is meant to talk to (issue 18 item 3): the banner's `…/v1` URL works
 * as --node, a node leaves its API URL in its data dir for a CLI pointed there, every table names
 * the node and chain that answered, and --json errors are JSON on stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { API_URL_FILE } from '../../../src/node/files/api-url-file.ts';
import { type DevNode, cli, closedPort, startDevNode, tempDir, removeTempDirs } from './harness.ts';

let dev: DevNode;
let devWallet = '';

beforeAll(async () => {
  dev = await startDevNode();
  const imported = await cli(['keys', 'import', '--name', 'dev', '--file', join(dev.dataDir, 'keys', 'dev.json'), '--data-dir', dev.dataDir, '--json']);
  expect(imported.code, imported.stderr).toBe(0);
  devWallet = imported.json<{ wallet_id: string }>().wallet_id;
});

afterAll(async () => {
  await dev?.close();
  removeTempDirs();
});

describe('the CLI finds its node', () => {
  it('--node takes the banner\'s URL with /v1 as well as without', async () => {
    for (const node of [`${dev.url}/v1`, `${dev.url}/v1/`, dev.url]) {
      const out = await cli(['token', 'stats', '--node', node, '--json']);
      expect(out.code, out.stderr).toBe(0);
      expect(out.requests).toEqual([`${dev.url}/v1/stats`]);
    }
  });

  it('a running node leaves its API URL in its data dir, and --data-dir there is enough', async () => {
    expect(readFileSync(join(dev.dataDir, API_URL_FILE), 'utf8')).toBe(`${dev.url}\n`);
    const out = await cli(['token', 'balance', '--user-id', 'dev', '--data-dir', dev.dataDir], { env: { DCHAT_NODE: undefined } });
    expect(out.code, out.stderr).toBe(0);
    expect(out.requests).toEqual([`${dev.url}/v1/accounts/${devWallet}`]);
    // DCHAT_DATA_DIR points there just as well; --node and DCHAT_NODE still win over it.
    const byEnv = await cli(['token', 'stats', '--json'], { env: { DCHAT_DATA_DIR: dev.dataDir } });
    expect(byEnv.requests).toEqual([`${dev.url}/v1/stats`]);
    const port = await closedPort();
    const byFlag = await cli(['token', 'stats', '--data-dir', dev.dataDir, '--node', `http://127.0.0.1:${port}`]);
    expect(byFlag.code).toBe(EXIT_CODES.unreachable);
  });

  it('with no node in the data dir the unreachable sentence says where the URL came from', async () => {
    const empty = tempDir('dchat-no-node-');
    const out = await cli(['token', 'stats', '--data-dir', empty], { env: { DCHAT_NODE: undefined } });
    expect(out.requests).toEqual(['http://127.0.0.1:7545/v1/stats']);
    if (out.code === EXIT_CODES.unreachable) expect(out.stderr).toContain(`the default; no node runs in ${empty}`);
  });

  it('every table starts with the node and the chain that answered; --json stays plain JSON', async () => {
    const chain = dev.node.chain.params.chainId;
    for (const args of [['token', 'stats'], ['token', 'balance', '--user-id', devWallet], ['market', 'purchases'], ['stake', 'status', '--user-id', 'dev']]) {
      const out = await cli([...args, '--node', dev.url, '--data-dir', dev.dataDir]);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout.split('\n')[0], args.join(' ')).toBe(`Node: ${dev.url}  Chain: ${chain}`);
    }
    const json = await cli(['token', 'stats', '--node', dev.url, '--json']);
    expect(() => json.json()).not.toThrow();
  });

  it('--to and --user-id take key names, as --from does', async () => {
    const sent = await cli(['token', 'transfer', '--from', 'dev', '--to', 'dev', '--amount', '100', '--node', dev.url, '--data-dir', dev.dataDir, '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.json()).toMatchObject({ from: devWallet, to: devWallet });
    const unknown = await cli(['token', 'balance', '--user-id', 'nobody', '--node', dev.url, '--data-dir', dev.dataDir]);
    expect(unknown.code).toBe(EXIT_CODES.usage);
    expect(unknown.stderr).toMatch(/^error InvalidAccount: --user-id "nobody" is neither a wallet UUID nor a system account .* nor the name of a key in the keystore/);
    expect(unknown.requests).toEqual([]);
  });

  it('--json errors are JSON on stdout (and the sentence still on stderr)', async () => {
    const port = await closedPort();
    const down = await cli(['token', 'stats', '--node', `http://127.0.0.1:${port}`, '--json']);
    expect(down.code).toBe(EXIT_CODES.unreachable);
    expect(down.json()).toEqual({ error: { code: 'NodeUnreachable', message: expect.stringContaining('No dchat node answered'), exit_code: EXIT_CODES.unreachable } });
    expect(down.stderr).toMatch(/^error NodeUnreachable: /);
    const usage = await cli(['token', 'transfer', '--amount', 'lots', '--to', 'treasury', '--from', 'dev', '--json']);
    expect(usage.code).toBe(EXIT_CODES.usage);
    expect(usage.json()).toMatchObject({ error: { code: 'InvalidAmount', exit_code: EXIT_CODES.usage } });
    const commander = await cli(['token', 'stats', '--frobnicate', '--json']);
    expect(commander.json()).toMatchObject({ error: { code: 'UsageError', exit_code: EXIT_CODES.usage } });
  });

  it('the node removes its API URL when it stops', async () => {
    const other = await startDevNode();
    const file = join(other.dataDir, API_URL_FILE);
    expect(existsSync(file)).toBe(true);
    await other.node.close();
    expect(existsSync(file)).toBe(false);
    await other.close();
  });
});
