/** The light verifier and client: portable (no node: imports), so a chat app runs it in a browser. */
export { LightError, LightErrorCode } from './errors.ts';
export { ProofEnd, type StateClaim, type StateProof, decodeStateProof, encodeStateProof, verifyStateProof } from './state-proof.ts';
export { sha256 } from './sha256.ts';
export { EMPTY_HASH } from './tree-rules.ts';
export { LIGHT_PROTOCOL_VERSION, type LightHeader, type SignedLightHeader, encodeLightHeader, lightHeaderHash, signedHeaderFromJson } from './header.ts';
export { type TrustedGenesis, verifyFinality } from './finality.ts';
export { type LightAccount, EMPTY_LIGHT_ACCOUNT, decodeAccountRecord } from './account.ts';
export { type FetchLike, type LightClientOptions, type VerifiedAccount, type VerifiedValue, verifiedAccount, verifiedState } from './client.ts';
export { verifyEd25519 } from './ed25519.ts';
export { bytesToHex, hexToBytes } from './hex.ts';
export { trustedGenesisFromJson } from './genesis.ts';
export {
  type LightValidatorEpoch,
  type ValidatorSetChangeProof,
  LightValidatorSets,
  decodePendingValidators,
  validatorSetChangeFromJson,
  validatorSetDelay,
  verifyValidatorSetChange,
} from './validator-sets.ts';
export { CHANGES_PER_PAGE, type ValidatorSetPage, learnValidatorSets } from './learn-validator-sets.ts';
