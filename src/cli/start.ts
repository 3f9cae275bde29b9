/**
 * `dchat start`: runs the node until SIGINT/SIGTERM, then shuts it down cleanly. With --dev it
 * first prints what a developer needs: the API and dashboard URL, the dev wallet and its key file.
 */
import { loadConfig, type RawSettings } from '../node/config.ts';
import { DchatNode } from '../node/node.ts';
import { ignoredP2pFlags } from './ignored-flags.ts';
import { watchSync } from './sync-progress.ts';

export interface StartFlags {
  dev?: boolean;
  dataDir?: string;
  config?: string;
  apiHost?: string;
  apiPort?: string;
  p2pPort?: string;
  blockTime?: string;
  bootstrap?: string[];
  p2pHost?: string;
  announce?: string[];
  logLevel?: string;
  logFormat?: string;
  genesis?: string;
  validatorKey?: string;
  sync?: string;
  trustedHash?: string;
  prune?: string;
}

export async function start(flags: StartFlags): Promise<void> {
  const raw: RawSettings = {
    dev: flags.dev,
    data_dir: flags.dataDir,
    config: flags.config,
    api_host: flags.apiHost,
    api_port: flags.apiPort,
    p2p_port: flags.p2pPort,
    block_time_ms: flags.blockTime,
    bootstrap: flags.bootstrap,
    p2p_host: flags.p2pHost,
    p2p_announce: flags.announce,
    log_level: flags.logLevel,
    log_format: flags.logFormat,
    genesis_file: flags.genesis,
    validator_key_file: flags.validatorKey,
    sync: flags.sync,
    trusted_hash: flags.trustedHash,
    prune: flags.prune,
  };
  const config = loadConfig(raw);
  const ignored = ignoredP2pFlags(flags, config);
  if (ignored !== null) process.stderr.write(`${ignored}\n`);
  const node = await DchatNode.init(config);
  if (node.dev !== null) {
    const lines = [
      '',
      '  dchat dev node',
      `  API:          ${node.apiUrl}/v1`,
      `  Dashboard:    ${node.apiUrl}/`,
      `  Dev wallet:   ${node.dev.devWalletId}`,
      `  Its key:      ${node.dev.devKeyFile}`,
      `  Authority:    ${node.dev.authorityKeyFile}`,
      `  Data dir:     ${config.dataDir}`,
      // The CLI finds this node from its data dir (<data-dir>/api-url): no --node needed.
      `  CLI:          bin/dchat token stats --data-dir ${config.dataDir}`,
      `  Block time:   ${node.chain.params.blockTimeMs} ms`,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  const network = node.network;
  const stopSyncBar = network === null ? () => undefined : watchSync({ isTTY: process.stderr.isTTY === true, write: (t) => process.stderr.write(t) }, () => network.syncStatus());
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    stopSyncBar();
    node.logger.info({ signal }, 'shutting down');
    node.close().then(
      () => process.exit(0),
      (err: unknown) => {
        node.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
