/**
 * The light client: asks an untrusted node for a state value with its proof and for the headers
 * that make the proof's block final, checks both against the trusted genesis, and answers only
 * what it verified (docs/protocol.md §18.5, §19; GET /v1/proofs/*, GET /v1/light/finality).
 */
import { type LightAccount, EMPTY_LIGHT_ACCOUNT, decodeAccountRecord } from './account.ts';
import { LightError, LightErrorCode } from './errors.ts';
import { type TrustedGenesis, verifyFinality } from './finality.ts';
import { type SignedLightHeader, lightHeaderHash, signedHeaderFromJson } from './header.ts';
import { hexToBytes } from './hex.ts';
import { verifyStateProof } from './state-proof.ts';
import { equalBytes } from './tree-rules.ts';
import { learnValidatorSets } from './learn-validator-sets.ts';
import { LightValidatorSets } from './validator-sets.ts';

export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface LightClientOptions {
  readonly genesis: TrustedGenesis;
  /** The node's base URL, e.g. http://127.0.0.1:7545 (or '' for the page's own origin). */
  readonly node: string;
  /** globalThis.fetch unless given (tests pass their own). */
  readonly fetch?: FetchLike;
  /**
   * The validator sets verified so far (§19.1), extended in place as newer heights are met; keep
   * one across calls so each change is checked once. Absent: learned from genesis on every call.
   */
  readonly validatorSets?: LightValidatorSets;
}

export interface VerifiedValue {
  /** The value's canonical bytes (§8), or null: the key is proven absent. */
  readonly value: Uint8Array | null;
  /** The final block the value is proven at. */
  readonly height: bigint;
  readonly header: SignedLightHeader;
}

export interface VerifiedAccount extends VerifiedValue {
  readonly account: LightAccount;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const utf8 = new TextEncoder();

async function getJson(options: LightClientOptions, path: string): Promise<Record<string, unknown>> {
  const fetchFn = options.fetch ?? ((url: string) => globalThis.fetch(url));
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchFn(`${options.node.replace(/\/$/, '')}${path}`);
  } catch (err) {
    throw new LightError(LightErrorCode.NodeUnreachable, `No answer from the node at ${options.node || 'this page\'s origin'}: ${(err as Error).message}`);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const b = (body ?? {}) as { code?: unknown; message?: unknown };
    throw new LightError(LightErrorCode.NodeRefused, `The node answered ${response.status} ${String(b.code ?? '')}: ${String(b.message ?? '')}`.trim());
  }
  if (typeof body !== 'object' || body === null) throw new LightError(LightErrorCode.MalformedAnswer, `The node's answer to ${path} is not a JSON object.`);
  return body as Record<string, unknown>;
}

/** The value of a state key (its ASCII text, §8.1), proven at the last final height or at `height`. */
export async function verifiedState(options: LightClientOptions, key: string, height?: bigint): Promise<VerifiedValue> {
  const at = height === undefined ? '' : `&height=${height}`;
  const answer = await getJson(options, `/v1/proofs/state?key=${Array.from(utf8.encode(key), (b) => b.toString(16).padStart(2, '0')).join('')}${at}`);
  return checkAnswer(options, key, answer);
}

/** A wallet's or system account's record (by UUID), proven; an account with no key reads as zeros. */
export async function verifiedAccount(options: LightClientOptions, id: string, height?: bigint): Promise<VerifiedAccount> {
  if (!UUID.test(id)) throw new LightError(LightErrorCode.MalformedAnswer, `"${id}" is not a lowercase UUID: the client proves a key it can name itself.`);
  const answer = await getJson(options, `/v1/proofs/accounts/${id}${height === undefined ? '' : `?height=${height}`}`);
  const verified = await checkAnswer(options, `account:${id}`, answer);
  return { ...verified, account: verified.value === null ? EMPTY_LIGHT_ACCOUNT : decodeAccountRecord(verified.value) };
}

/** The proof answer checked: its header final by the finality proof, its value proven under that header's state root. */
async function checkAnswer(options: LightClientOptions, key: string, answer: Record<string, unknown>): Promise<VerifiedValue> {
  const proven = signedHeaderFromJson(answer.header);
  const proof = await getJson(options, `/v1/light/finality?height=${proven.header.height}`);
  if (!Array.isArray(proof.headers)) throw new LightError(LightErrorCode.MalformedAnswer, 'The finality answer carries no list of headers.');
  const headers = proof.headers.map(signedHeaderFromJson);
  const sets = options.validatorSets ?? new LightValidatorSets(options.genesis.validators);
  await learnFromNode(options, sets, headers.at(-1)?.header.height ?? 0n);
  const final = await verifyFinality(options.genesis, headers, sets);
  // The answer's header, all of it, must be the final one: a node that sends anything else is refused.
  const same = equalBytes(final.hash, proven.hash) && equalBytes(lightHeaderHash(proven.header), proven.hash) && equalBytes(final.signature, proven.signature);
  if (!same) throw new LightError(LightErrorCode.HeaderNotFinalized, `The proof's header at height ${proven.header.height} is not the block the finality proof makes final.`);
  const value = answer.value_hex === null ? null : hexToBytes(answer.value_hex, 'value_hex');
  verifyStateProof({ root: final.header.stateRoot, key: utf8.encode(key), value, proof: hexToBytes(answer.proof, 'proof') });
  return { value, height: final.header.height, header: final };
}

/** The validator sets activated up to `upTo` that `sets` does not know yet, from the node's pages (see learnValidatorSets). */
function learnFromNode(options: LightClientOptions, sets: LightValidatorSets, upTo: bigint): Promise<void> {
  return learnValidatorSets(options.genesis, sets, upTo, (after, limit) => getJson(options, `/v1/light/validator-sets?after=${after}&limit=${limit}`));
}
