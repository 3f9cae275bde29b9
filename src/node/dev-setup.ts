/**
 * `dchat start --dev`: a one-validator chain in the data dir. On first start it writes the
 * validator, authority and dev-wallet keys (0600) and a genesis from the default template in which
 * the dev wallet is the validator's reward wallet (so it holds the validators' 20 %).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_GOV_PARAMS, type GenesisConfig, defaultGenesis, genesisToJson, parseGenesisJson } from '../tokenomics/index.ts';
import { type NodeKey, loadOrCreateKey } from './key-files.ts';

export interface DevSetup {
  readonly genesis: GenesisConfig;
  readonly genesisFile: string;
  readonly validator: NodeKey;
  readonly authority: NodeKey;
  readonly devWallet: NodeKey;
  readonly devKeyFile: string;
  readonly authorityKeyFile: string;
}

export const DEV_CHAIN_ID = 'dchat-dev';

export function devSetup(dataDir: string, blockTimeMs: bigint | null, nowMs: bigint): DevSetup {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keysDir = join(dataDir, 'keys');
  const validator = loadOrCreateKey(join(keysDir, 'validator.json'), 'validator');
  const authorityKeyFile = join(keysDir, 'authority.json');
  const authority = loadOrCreateKey(authorityKeyFile, 'authority');
  const devKeyFile = join(keysDir, 'dev.json');
  const devWallet = loadOrCreateKey(devKeyFile, 'dev wallet');
  const genesisFile = join(dataDir, 'genesis.json');
  let genesis: GenesisConfig;
  if (existsSync(genesisFile)) {
    genesis = parseGenesisJson(JSON.parse(readFileSync(genesisFile, 'utf8')));
  } else {
    genesis = defaultGenesis({
      chainId: DEV_CHAIN_ID,
      genesisTimeMs: nowMs,
      validators: [{ publicKey: validator.publicKeyHex, rewardWallet: devWallet.walletId }],
      authority: [authority.publicKeyHex],
      // Deposit and voting periods of 10 blocks: a proposal goes through in about a minute (docs/protocol.md §17).
      params: { gov: DEV_GOV_PARAMS, ...(blockTimeMs === null ? {} : { blockTimeMs }) },
    });
    writeFileSync(genesisFile, `${JSON.stringify(genesisToJson(genesis), null, 2)}\n`, { mode: 0o644 });
  }
  return { genesis, genesisFile, validator, authority, devWallet, devKeyFile, authorityKeyFile };
}
