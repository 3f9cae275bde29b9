/**
 * `dchat export-state`: the state of a stopped node at a height, written as the genesis of a new
 * chain that continues it (docs/protocol.md §14.3), as Cosmos' `export` does for an upgrade.
 * The node must be stopped: LevelDB is read consistently only by the process holding its lock.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { exportState } from '../chain/export-state.ts';
import { ChainStore } from '../chain/store/chain-store.ts';
import { type GenesisConfig, genesisToJson } from '../tokenomics/index.ts';
import { usageError } from './errors.ts';
import { formatTokens } from './format.ts';
import { parsePublicKey, readValidatorSet } from './validators/validator-input.ts';
import { parseCount } from './values.ts';

export interface ExportStateFlags {
  dataDir: string;
  height?: string;
  chainId: string;
  genesisTime: string;
  out: string;
  validator?: string[];
  authority?: string[];
  json?: boolean;
}

function parseTime(text: string): bigint {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms) || ms < 0) throw usageError('InvalidParameter', `--genesis-time "${text}" is neither a time such as 2026-12-01T12:00:00Z nor Unix milliseconds.`);
  return BigInt(ms);
}

/** The genesis as JSON, its state pairs one a line (a million accounts stay a file one can grep and diff). */
function genesisFileText(config: GenesisConfig): string {
  const { initial_state: pairs, ...fields } = genesisToJson(config);
  const head = JSON.stringify(fields, null, 2).replace(/\n}$/, '');
  return `${head},\n  "initial_state": [\n${(pairs as unknown[]).map((pair) => `    ${JSON.stringify(pair)}`).join(',\n')}\n  ]\n}\n`;
}

export async function exportStateCommand(flags: ExportStateFlags, write: (text: string) => void): Promise<void> {
  const options = {
    ...(flags.height === undefined ? {} : { height: parseCount('--height', flags.height, 0n) }),
    chainId: flags.chainId,
    genesisTimeMs: parseTime(flags.genesisTime),
    ...(flags.validator === undefined ? {} : { validators: readValidatorSet({ validator: flags.validator }) }),
    ...(flags.authority === undefined ? {} : { authority: flags.authority.flatMap((t) => t.split(',')).map((k) => parsePublicKey('--authority', k)) }),
  };
  const dir = join(flags.dataDir, 'chain');
  // ChainStore.open would make an empty store where there is none: a typo must not pass for an empty chain.
  if (!existsSync(dir)) throw new ChainError(ChainErrorCode.InvalidConfig, `No chain data at ${dir}: --data-dir must be a node's data dir.`);
  if (existsSync(flags.out)) throw usageError('InvalidParameter', `--out ${flags.out} exists: export-state never overwrites a file.`);
  const store = await ChainStore.open(dir);
  let exported;
  try {
    exported = await exportState(store, options);
  } finally {
    await store.close();
  }
  writeFileSync(flags.out, genesisFileText(exported.genesis), { mode: 0o644, flag: 'wx' });
  const summary = {
    out: flags.out,
    chain_id: exported.genesis.params.chainId,
    exported_height: exported.height.toString(),
    exported_block_hash: toHex(exported.blockHash),
    exported_state_root: toHex(exported.exportedStateRoot),
    initial_height: (exported.height + 1n).toString(),
    genesis_hash: toHex(exported.genesisHash),
    genesis_state_root: toHex(exported.genesisStateRoot),
    state_pairs: exported.genesis.initialState!.pairs.length,
  };
  if (flags.json === true) {
    write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  write(
    [
      `Exported height ${formatTokens(exported.height)} (block ${summary.exported_block_hash}, state_root ${summary.exported_state_root})`,
      `Genesis of ${summary.chain_id} written to ${summary.out}: ${formatTokens(BigInt(summary.state_pairs))} state pairs, first block ${formatTokens(exported.height + 1n)}`,
      `Its genesis block ${summary.genesis_hash}, state_root ${summary.genesis_state_root}`,
      `Start it with: dchat start --genesis ${summary.out} --data-dir <a new dir>`,
      '',
    ].join('\n'),
  );
}
