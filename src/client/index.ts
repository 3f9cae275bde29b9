/**
 * dchat-node/client: the SDK a chat app (browser or Node 24) uses to reach a dchat node. No Node-only
 * imports anywhere under it (test/unit/client/portable.test.ts walks its import graph).
 * Verified reads (`client.verified(genesis)`) run the light client (src/light) against the node.
 */
export { DchatClient, type BatchResult, type HistoryKind, type NodeInfo, type Query, type SendOptions, type Sent, type SubmitResult, type WaitOptions } from './client.ts';
export { type ClientErrorKind, DchatClientError } from './errors.ts';
export { type StreamEvent, type SubscribeOptions, type Topic, subscribe } from './events.ts';
export { type HttpOptions, type Json, NodeHttp, type Page } from './http.ts';
export type { TxStatusJson } from './inclusion.ts';
export { type ClientKey, generateKey, keyFromSeed, verifySignature, walletIdOf } from './keys.ts';
export { type SignedTransaction, type TxFields, signTransaction } from './sign.ts';
export { type SseMessage, SseParser, readSse } from './sse.ts';
export { VerifiedReads } from './verified.ts';
export {
  type LightAccount,
  type LightValidatorEpoch,
  type TrustedGenesis,
  type VerifiedAccount,
  type VerifiedValue,
  LightError,
  LightErrorCode,
  LightValidatorSets,
  trustedGenesisFromJson,
} from '../light/index.ts';
export { OPERATION_TYPES, encodeSignedTx, encodeUnsignedTx } from '../chain/codec/tx-encoding.ts';
export type { Operation, OperationType } from '../tokenomics/operations.ts';
