/** Real keys, a real genesis and signed transactions for chain-layer tests. */
import { type KeyPair, keyPairFromSeed, toHex } from '../../../src/chain/crypto.ts';
import { type Genesis, genesisParent } from '../../../src/chain/genesis-block.ts';
import type { ParentInfo } from '../../../src/chain/block-import.ts';
import { type SignedTx, signTx } from '../../../src/chain/codec/tx.ts';
import { type GenesisConfig, type Operation, defaultGenesis, walletIdFromPublicKey } from '../../../src/tokenomics/index.ts';

export interface NamedKey extends KeyPair {
  readonly hex: string;
  readonly wallet: string;
}

export function namedKey(seedByte: number): NamedKey {
  const pair = keyPairFromSeed(new Uint8Array(32).fill(seedByte));
  const hex = toHex(pair.publicKey);
  return { ...pair, hex, wallet: walletIdFromPublicKey(hex) };
}

export const VALIDATORS = [namedKey(1), namedKey(2), namedKey(3)];
export const AUTHORITY_KEY = namedKey(9);
export const DEV = namedKey(10);
export const USER = namedKey(11);

export const GENESIS_TIME = 1_767_225_600_000n;

export function testGenesisConfig(validatorCount = 1, overrides: Partial<GenesisConfig['params']> = {}): GenesisConfig {
  return defaultGenesis({
    chainId: 'dchat-test',
    genesisTimeMs: GENESIS_TIME,
    validators: VALIDATORS.slice(0, validatorCount).map((v) => ({ publicKey: v.hex, rewardWallet: DEV.wallet })),
    authority: [AUTHORITY_KEY.hex],
    params: { blockTimeMs: 1_000n, ...overrides },
  });
}

/** The test genesis, and block 1's parent on it (its state tree in memory). */
export function testGenesis(validatorCount = 1): Promise<{ genesis: Genesis; parent: ParentInfo }> {
  return genesisParent(testGenesisConfig(validatorCount));
}

export function signed(key: NamedKey, nonce: bigint, op: Operation, chainId = 'dchat-test'): SignedTx {
  return signTx({ chainId, signer: key.hex, nonce, op }, key.secretKey);
}
