/**
 * The finality check of the light client (docs/protocol.md §3.3 and finality, §14.2, §19): a
 * block is final once blocks from more than 2/3 of the validators (distinct proposers) are built on
 * it. Given the trusted genesis and the headers from that block up to the one that makes it final,
 * each header is checked for what a full node checks of it without the state: the chain, its hash,
 * its link to the one before, its timestamp, its proposer and its signature.
 */
import { LightError, LightErrorCode } from './errors.ts';
import { verifyEd25519 } from './ed25519.ts';
import { LIGHT_PROTOCOL_VERSION, type SignedLightHeader, lightHeaderHash } from './header.ts';
import { hexToBytes } from './hex.ts';
import { equalBytes } from './tree-rules.ts';

/**
 * What the light client trusts, from the genesis file. The validator set is the genesis one: a
 * client of a chain whose authority has changed (set-authority) needs a newer trusted set.
 */
export interface TrustedGenesis {
  readonly chainId: string;
  readonly genesisTimeMs: bigint;
  readonly blockTimeMs: bigint;
  /** The validators' public keys (lowercase hex), in genesis order: slot s belongs to validators[s mod n]. */
  readonly validators: readonly string[];
}

const fail = (code: LightErrorCode, message: string): never => {
  throw new LightError(code, message);
};

async function checkHeader(genesis: TrustedGenesis, signed: SignedLightHeader, previous: SignedLightHeader | undefined): Promise<void> {
  const { header } = signed;
  const at = `the header at height ${header.height}`;
  if (header.protocolVersion !== LIGHT_PROTOCOL_VERSION) {
    fail(LightErrorCode.WrongProtocolVersion, `${at} is of protocol version ${header.protocolVersion}; this client reads version ${LIGHT_PROTOCOL_VERSION}.`);
  }
  if (header.chainId !== genesis.chainId) fail(LightErrorCode.WrongChain, `${at} is of chain "${header.chainId}", not "${genesis.chainId}".`);
  if (!equalBytes(lightHeaderHash(header), signed.hash)) fail(LightErrorCode.HeaderHashMismatch, `${at} does not hash to the hash given with it.`);
  if (previous !== undefined) {
    const linked = equalBytes(header.parentHash, previous.hash) && header.height === previous.header.height + 1n && header.slot > previous.header.slot;
    if (!linked) fail(LightErrorCode.BrokenParentLink, `${at} does not build on the header at height ${previous.header.height}.`);
  }
  // The genesis block (§3.5) is nobody's: no slot owner, no signature; the blocks on top vouch for it.
  if (header.height === 0n && previous === undefined) return;
  if (header.timestampMs !== genesis.genesisTimeMs + header.slot * genesis.blockTimeMs) {
    fail(LightErrorCode.WrongTimestamp, `${at} has timestamp ${header.timestampMs}, not the start of its slot ${header.slot}.`);
  }
  const expected = genesis.validators[Number(header.slot % BigInt(genesis.validators.length))]!;
  if (header.proposer !== expected) fail(LightErrorCode.WrongProposer, `${at} is proposed by ${header.proposer}; slot ${header.slot} belongs to ${expected}.`);
  if (!(await verifyEd25519(hexToBytes(header.proposer, 'proposer', 32), signed.hash, signed.signature))) {
    fail(LightErrorCode.BadSignature, `${at} does not carry its proposer's signature.`);
  }
}

/**
 * Checks that `headers[0]` is final: every header valid and linked to the one before, and the
 * headers above the first from more than 2/3 of the validators. Returns the first header, now
 * trusted; throws a LightError naming the failed check otherwise.
 */
export async function verifyFinality(genesis: TrustedGenesis, headers: readonly SignedLightHeader[]): Promise<SignedLightHeader> {
  if (genesis.validators.length === 0) fail(LightErrorCode.MalformedAnswer, 'The trusted genesis lists no validators.');
  const first = headers[0] ?? fail(LightErrorCode.NotFinal, 'The finality proof holds no header.');
  const proposers = new Set<string>();
  for (let i = 0; i < headers.length; i++) {
    await checkHeader(genesis, headers[i]!, headers[i - 1]);
    if (i > 0) proposers.add(headers[i]!.header.proposer);
  }
  if (proposers.size * 3 <= genesis.validators.length * 2) {
    fail(LightErrorCode.NotFinal, `Blocks from ${proposers.size} of ${genesis.validators.length} validators are built on height ${first.header.height}; more than 2/3 are needed.`);
  }
  return first;
}
