/** The light verifier: portable (no node: imports), so a chat app runs it in a browser. */
export { LightError, LightErrorCode } from './errors.ts';
export { ProofEnd, type StateClaim, type StateProof, decodeStateProof, encodeStateProof, verifyStateProof } from './state-proof.ts';
export { sha256 } from './sha256.ts';
export { EMPTY_HASH } from './tree-rules.ts';
