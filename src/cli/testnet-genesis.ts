/**
 * The keys and genesis every testnet starts from, shared by `dchat testnet` (one machine) and
 * `dchat testnet init` (one bundle per host): per validator a validator key and a reward wallet key
 * (0600), one authority key, and a genesis from the default template naming them.
 */
import { writeFileSync } from 'node:fs';
import { generateKeyPair } from '../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { readKeyFile, writeKeyFile } from '../node/key-files.ts';
import { type ChainParams, defaultGenesis, genesisToJson } from '../tokenomics/index.ts';

export interface GenesisFiles {
  readonly genesisFile: string;
  readonly authorityKeyFile: string;
  readonly validatorKeyFile: (index: number) => string;
  readonly walletKeyFile: (index: number) => string;
}

export interface GenesisChoices {
  readonly validators: number;
  readonly chainId: string;
  readonly genesisTimeMs: bigint;
  readonly blockTimeMs: bigint;
  readonly params?: Partial<Omit<ChainParams, 'chainId' | 'genesisTimeMs' | 'supply'>>;
}

/** Writes the keys, then the genesis naming them; returns the genesis JSON text (bundles copy it). */
export function writeGenesisAndKeys(files: GenesisFiles, choices: GenesisChoices): string {
  for (let i = 0; i < choices.validators; i++) {
    writeKeyFile(files.validatorKeyFile(i), generateKeyPair(), `validator ${i}`);
    writeKeyFile(files.walletKeyFile(i), generateKeyPair(), `reward wallet of validator ${i}`);
  }
  writeKeyFile(files.authorityKeyFile, generateKeyPair(), 'authority');
  const genesis = defaultGenesis({
    chainId: choices.chainId,
    genesisTimeMs: choices.genesisTimeMs,
    validators: Array.from({ length: choices.validators }, (_, i) => ({
      publicKey: readKeyFile(files.validatorKeyFile(i)).publicKeyHex,
      rewardWallet: readKeyFile(files.walletKeyFile(i)).walletId,
    })),
    authority: [readKeyFile(files.authorityKeyFile).publicKeyHex],
    params: { blockTimeMs: choices.blockTimeMs, ...choices.params },
  });
  const text = `${JSON.stringify(genesisToJson(genesis), null, 2)}\n`;
  writeFileSync(files.genesisFile, text, { mode: 0o644 });
  return text;
}

/** A flag's whole number (`fallback` when absent); anything else is refused naming the flag. */
export function wholeNumber(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new ChainError(ChainErrorCode.InvalidConfig, `${name} expects a whole number, got "${text}".`);
  return Number(text);
}
