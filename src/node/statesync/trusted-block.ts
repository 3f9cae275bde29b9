/**
 * The trusted header of a state sync (docs/protocol.md §20.5): the snapshot's block is trusted
 * either because blocks from more than 2/3 of the validators are built on it, checked as the light
 * client checks finality against the genesis file (src/light/finality.ts), or because the block an
 * operator named with `--trusted-hash` descends from it (each parent hash links the chain down).
 * Nothing here trusts the peer that served the blocks.
 */
import type { Block } from '../../chain/codec/block.ts';
import { toHex } from '../../chain/crypto.ts';
import type { TrustedBlock } from '../../chain/snapshot/verify.ts';
import { LightError, LightErrorCode, type LightValidatorSets, type TrustedGenesis, verifyFinality } from '../../light/index.ts';
import type { GenesisConfig } from '../../tokenomics/index.ts';

/** What the light client trusts of a genesis config: chain, slot timing, the first validator set. */
export function trustedGenesisOf(config: GenesisConfig): TrustedGenesis {
  const { chainId, genesisTimeMs, blockTimeMs } = config.params;
  return { chainId, genesisTimeMs, blockTimeMs, validators: config.validators.map((v) => v.publicKey.toLowerCase()) };
}

const signedHeader = (block: Block) => ({ header: block.header, signature: block.signature, hash: block.hash });

/**
 * `blocks[0]` trusted: the blocks are consecutive and linked, and either one of them is
 * `trustedHash` or, without one, they prove `blocks[0]` final against `genesis` and the validator
 * sets verified from it (`sets`: the later sets learned and checked, default the genesis set
 * alone). Throws a LightError naming the failed check.
 */
export async function trustBlock(genesis: TrustedGenesis, blocks: readonly Block[], trustedHash: Uint8Array | null, sets?: LightValidatorSets): Promise<TrustedBlock> {
  const first = blocks[0];
  if (first === undefined) throw new LightError(LightErrorCode.NotFinal, 'No block was served on top of the snapshot.');
  if (trustedHash === null) {
    await verifyFinality(genesis, blocks.map(signedHeader), sets);
  } else {
    for (let i = 1; i < blocks.length; i++) {
      if (Buffer.compare(blocks[i]!.header.parentHash, blocks[i - 1]!.hash) !== 0) {
        throw new LightError(LightErrorCode.BrokenParentLink, `The block at height ${blocks[i]!.header.height} does not build on the one below it.`);
      }
    }
    const hex = toHex(trustedHash);
    if (!blocks.some((b) => toHex(b.hash) === hex)) {
      throw new LightError(LightErrorCode.NotFinal, `None of blocks ${first.header.height}–${blocks.at(-1)!.header.height} is the trusted block ${hex.slice(0, 16)}.`);
    }
  }
  return { height: first.header.height, hash: first.hash, stateRoot: first.header.stateRoot };
}
