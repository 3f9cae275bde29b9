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
import { LightValidatorSets } from './validator-sets.ts';

/**
 * What the light client trusts, from the genesis file: the chain, its slot timing and the first
 * validator set; later sets are learned from the chain itself (validator-sets.ts, §19.1).
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

async function checkHeader(genesis: TrustedGenesis, sets: LightValidatorSets, signed: SignedLightHeader, previous: SignedLightHeader | undefined): Promise<void> {
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
  // It is the only block at slot 0, at height 0 or, from an exported state, above (§14.3).
  if (header.slot === 0n && previous === undefined) return;
  if (header.timestampMs !== genesis.genesisTimeMs + header.slot * genesis.blockTimeMs) {
    fail(LightErrorCode.WrongTimestamp, `${at} has timestamp ${header.timestampMs}, not the start of its slot ${header.slot}.`);
  }
  const { keys } = sets.at(header.height);
  const expected = keys[Number(header.slot % BigInt(keys.length))]!;
  if (header.proposer !== expected) fail(LightErrorCode.WrongProposer, `${at} is proposed by ${header.proposer}; slot ${header.slot} belongs to ${expected}.`);
  if (!(await verifyEd25519(hexToBytes(header.proposer, 'proposer', 32), signed.hash, signed.signature))) {
    fail(LightErrorCode.BadSignature, `${at} does not carry its proposer's signature.`);
  }
}

/**
 * Checks that `headers[0]` is final: every header valid and linked to the one before, its proposer
 * the slot's owner in the set in force at its height (`sets`, the genesis set alone by default),
 * and the headers above the first from more than 2/3 of the set in force at the last header,
 * counting only its members (§14.2, as full nodes count). Returns the first header, now trusted;
 * throws a LightError naming the failed check otherwise.
 */
export async function verifyFinality(genesis: TrustedGenesis, headers: readonly SignedLightHeader[], sets = new LightValidatorSets(genesis.validators)): Promise<SignedLightHeader> {
  const first = headers[0] ?? fail(LightErrorCode.NotFinal, 'The finality proof holds no header.');
  for (let i = 0; i < headers.length; i++) await checkHeader(genesis, sets, headers[i]!, headers[i - 1]);
  const last = headers.at(-1)!.header.height;
  const counted = sets.at(last).keys.length;
  const proposers = new Set(headers.slice(1).map((h) => h.header.proposer).filter((key) => sets.isMember(last, key)));
  if (proposers.size * 3 <= counted * 2) {
    fail(LightErrorCode.NotFinal, `Blocks from ${proposers.size} of ${counted} validators are built on height ${first.header.height}; more than 2/3 are needed.`);
  }
  return first;
}
