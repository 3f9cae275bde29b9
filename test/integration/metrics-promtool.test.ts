/**
 * A real dev node's /metrics passes `promtool check metrics` (Prometheus' own linter of the text
 * exposition: names, types, help, the `_total` suffix for counters only). .ci/run installs Debian's
 * `prometheus` package, which ships /usr/bin/promtool, when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/node/config.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DchatNode } from '../../src/node/node.ts';
import { DCHAT_VERSION } from '../../src/node/version.ts';
import { api, waitFor } from './node-client.ts';

const PROMTOOL = '/usr/bin/promtool';
const dataDir = mkdtempSync(join(tmpdir(), 'dchat-promtool-'));
let node: DchatNode | undefined;

afterAll(async () => {
  await node?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('metrics exposition', () => {
  it('a running dev node\'s /metrics passes promtool check metrics', async () => {
    if (!existsSync(PROMTOOL)) {
      throw new Error(`No promtool at ${PROMTOOL}: run \`apt-get install -y prometheus\` (.ci/run does it when missing).`);
    }
    const config = loadConfig({ dev: true, data_dir: dataDir, api_port: 0, block_time_ms: '250', log_level: 'silent' });
    node = await DchatNode.init(config, { logger: createLogger('silent', false) });
    const base = node.apiUrl;
    await waitFor('a block', async () => Number((await api(base, '/v1/blocks/head')).body.height) >= 1);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^dchat_head_height \d+$/m);
    // The operator's figures (issue 18): build, finality, sync lag, reorgs, bans, missed slots.
    expect(text).toContain(`dchat_build_info{version="${DCHAT_VERSION}"} 1`);
    expect(text).toMatch(/^dchat_finalized_height \d+$/m);
    for (const sample of ['dchat_sync_lag_blocks 0', 'dchat_reorgs_total 0', 'dchat_reorg_depth_blocks_count 0', 'dchat_peer_bans_total 0', 'dchat_missed_own_slots_total 0']) {
      expect(text.split('\n')).toContain(sample);
    }
    expect(text).toMatch(/^dchat_nodejs_active_handles\{/m); // the per-type process gauges stay
    const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, problems: `${check.stdout}${check.stderr}`.trim() }).toEqual({ status: 0, problems: '' });
  });
});
