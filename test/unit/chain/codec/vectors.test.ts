/**
 * Fixed test vectors (docs/protocol.md §1–3): a key, a transfer tx (unsigned encoding, hash, signature, signed
 * bytes), a header (encoding, hash, signature), a block and a state root. Any change of encoding
 * fails here, never as a silent fork. Each pinned value was computed once by the code and is
 * cross-checked independently: RFC 8032 vectors, a pure-bigint ed25519 key derivation, node:crypto
 * SHA-256 / ed25519 verification, and a hand-written msgpack writer that follows docs/protocol.md §1–3 literally.
 *
 * If a vector fails after a deliberate encoding change, that change forks the chain: update the
 * pinned hex only together with a chain-id/genesis change and a note.
 *
 * Protocol version 2 (src/chain/protocol-version.ts, docs/protocol.md §12) moved two of them on
 * purpose: the deadlines of a height became keys of their own (`deadline:<h>:<i>` and
 * `deadline-count:<h>`, §8.3), so the state-root vector deletes those two keys instead of the old
 * `deadline:<h>` list, and the state root, and with it the header's encoding, hash and signature,
 * changed. The tx vectors did not move. New: `meta:params` with the list bounds of §9 (the genesis
 * params gained max_unbonding_entries, max_relays, max_pools, max_schedules,
 * max_deadlines_per_height) and a deadline entry.
 *
 * Protocol version 3 (governance, docs/protocol.md §17) moved only `meta:params` (a 17th field, the
 * governance record).
 *
 * Protocol version 4 moved the state root and the header on purpose: the state_root is now the root of
 * the state tree over the whole state (docs/protocol.md §7, §18), so the vector is the root of the
 * state reached by applying the same writes to the empty state (the account and the supply; the two
 * deletions find nothing), cross-checked against §18.3's definition by hand; the header encoding
 * gained protocol_version first (§3.1: a fixarray of 9 starting with 0x04), so its encoding, hash and
 * signature moved. New: a proof of presence (the account) and a proof of absence (a deleted deadline
 * key, whose walk ends at the other leaf), checked against §18.4-18.5 by hand. The tx vectors did not
 * move.
 *
 * Protocol version 5 (the validator set lock, docs/protocol.md §17.7) changes which txs are valid,
 * not any encoding: only the header vector moved, by its first field (0x04 -> 0x05), so its hash and
 * signature moved with it. The state root, the proofs and the tx vectors did not move.
 *
 * Protocol version 6 moved the state root and the header on purpose: an internal node of the state
 * tree is SHA-256(left ‖ right), 64 bytes without the 0x01 prefix (docs/protocol.md §18.2), so the
 * root over the two leaves changed (cross-checked by hand below with node:crypto), and the header
 * with it and its version byte (0x05 -> 0x06). The proofs did not move: they hold leaves and
 * sibling hashes, and the one sibling here is a leaf, whose rule did not change. The tx vectors
 * did not move.
 */
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type BlockHeader, decodeBlock, encodeHeader, headerHash, sealBlock, txRoot } from '../../../../src/chain/codec/block.ts';
import { decodeStateValue, encodeStateValue, stateKeyBytes } from '../../../../src/chain/codec/state.ts';
import { treeWrites } from '../../../../src/chain/chain-tree.ts';
import { EMPTY_ROOT, MemoryNodeStore, applyWrites, proveKey } from '../../../../src/chain/state-tree/index.ts';
import { encodeStateProof, verifyStateProof } from '../../../../src/light/index.ts';
import { type UnsignedTx, decodeSignedTx, encodeUnsignedTx, signTx, verifyTx } from '../../../../src/chain/codec/tx.ts';
import { keyPairFromSeed, signMessage, toHex, verifySignature } from '../../../../src/chain/crypto.ts';
import { type StateValue, DCHAT_NAMESPACE, walletIdFromPublicKey } from '../../../../src/tokenomics/index.ts';
import { SIGNER, VECTOR_SEED, hex, hexBytes, mp, uuidBytes } from './codec-fixture.ts';

// ---- pinned values -------------------------------------------------------------------------

const V = {
  publicKey: '79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664',
  walletId: '5536e024-2eb4-5096-ac83-20520e4c5992',
  tx: {
    unsigned:
      '95aa64636861742d74657374a87472616e73666572c42079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad0496640792c4106ba7b8109dad11d180b400c04fd430c8cd03e8',
    hash: '076fbd1618cf39d1eb18783a89d0310f77c53889783e85e8265bfaf1bfd06b69',
    signature:
      '4afae641e896e0736c1bcfe74d15727404a17b91f56477fb3b0ff69c3dc58b114c5fa52e387894e5376d3f9bfad8194bc6643e3dd54ad3fd6f313bb3b3d8490b',
  },
  txRoot: 'be1c35b20cc8277ad7cd8ec080d58f2f0be8b7cf50c8fd7c8ec09a1dc03122df',
  // Protocol version 6: internal nodes hash 64 bytes, no prefix (version 4 and 5: 3e2f7b82...2aeacb10;
  // e6e2b02f...486e7e, the version 2 and 3 hash chain on parent 0x11 x 32).
  stateRoot: '3e37e9a6ab2bd443e77d6d4bd480438a34783f318644bf704f734868a3d4f4a3',
  proofs: {
    /** Protocol version 4: the account is present: end 1, depth 1, bitmap 0x80, the supply's leaf as the one sibling. */
    account: '010001801c01256583564a07f36374816dcf0a0cdfd1bffcaa2f744592a5d061cf022197',
    /** Protocol version 4: the deleted deadline key is absent: end 2, depth 1, the account's leaf (path, value hash) where its path leads, then the sibling. */
    deadline:
      '02000180d84fc76bbed1e03ef494c1f30fbfed6af00d0c05cfaabc55c42dd5b6d4111c8b0c1bba4245ed3ba49202cc18aa05bb22e42da3f8d9dd49a3b34ce28a2bdc9b7d1c01256583564a07f36374816dcf0a0cdfd1bffcaa2f744592a5d061cf022197',
  },
  header: {
    // Protocol version 6: [6, ...] first and the version 6 state root last (version 5: 9905aa64...2aeacb10;
    // version 4: 9904aa64...aeacb10, the same fields after the version).
    encoding:
      '9906aa64636861742d746573742a2dc420ababababababababababababababababababababababababababababababababcf0000019b76dec6b0c42079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664c420be1c35b20cc8277ad7cd8ec080d58f2f0be8b7cf50c8fd7c8ec09a1dc03122dfc4203e37e9a6ab2bd443e77d6d4bd480438a34783f318644bf704f734868a3d4f4a3',
    // Protocol version 6: moved with the encoding (version 5: 32a7e2f0...ff36f517, 792c98db...4e07e45a04;
    // version 4: d23baa7d...70403ae4, 1b8caf34...649f8003; versions 2 and 3: 595908df...db8256d, 588f2ece...1c480c).
    hash: 'd0569d32cde1b86043025ebf7e667c53346f8aa72d2744772f09be22c7ef7374',
    signature:
      '4d5034f9da965ccac3d02bb706c16b34b3f7d31efe56ce93e1a01b8a51917ec0aa830555e9e31817fb8a512a54e612431011b789e1d6ec33f73d89d13a31410d',
  },
  /**
   * Protocol version 3: the default genesis params of docs/protocol.md §8.2, §9 and the governance section for chain
   * "dchat-test". Moved deliberately from version 2 (`dc0010…cd4e20`, 16 fields): the array gained a
   * 17th item, the governance record `98 ce00989680 … 10`.
   */
  params:
    'dc0011aa64636861742d74657374cf0000019b76daa800cd1770ce0050334094cf000000174876e800cf000000e8d4a51000cd01f46401ce000189c0ce000186a0ce000189c0cd2710ce0080000007cd03e8cd03e8cd0100cd4e2098ce00989680ce000189c0ce000189c0cd0d0ccd0d0ccd1388ce000f424010',
  /** Protocol version 2: one object due at a height (docs/protocol.md §8.3), here the signer's unbonding. */
  deadlineEntry: '92a9756e626f6e64696e67c4105536e0242eb45096ac8320520e4c5992',
} as const;

// ---- the inputs ------------------------------------------------------------------------------

const TO = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const TX: UnsignedTx = { chainId: 'dchat-test', signer: SIGNER.hex, nonce: 7n, op: { type: 'transfer', to: TO, amount: 1_000n } };

const ACCOUNT_KEY = `account:${V.walletId}`;
const DEADLINE_KEY = 'deadline:00000000000000000042:0000000000';
const DEADLINE_COUNT_KEY = 'deadline-count:00000000000000000042';
const ACCOUNT: StateValue = { balance: 997_500n, staked: 0n, unbonding: [{ amount: 500n, deadline: 100_842n }], pendingRewards: 0n, nonce: 8n };
const SUPPLY: StateValue = { totalMinted: 100_000_002_500n, totalBurned: 2_500n, annualProvision: 5_000_000_000n, carry: 17n };
/** Inserted out of key order on purpose. */
const WRITES = new Map<string, StateValue | null>([
  ['meta:supply', SUPPLY],
  [DEADLINE_KEY, null],
  [ACCOUNT_KEY, ACCOUNT],
  [DEADLINE_COUNT_KEY, null],
]);

const TIMESTAMP = 1_767_225_600_000n + 45n * 6_000n;
const header = (): BlockHeader => ({
  protocolVersion: 6n,
  chainId: 'dchat-test',
  height: 42n,
  slot: 45n,
  parentHash: new Uint8Array(32).fill(0xab),
  timestampMs: TIMESTAMP,
  proposer: SIGNER.hex,
  txRoot: hexBytes(V.txRoot),
  stateRoot: hexBytes(V.stateRoot),
});

// ---- independent tools -----------------------------------------------------------------------

const nodeSha256 = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

const nodeEd25519Verify = (publicKeyHex: string, message: Uint8Array, signatureHex: string): boolean => {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyHex, 'hex')]);
  return nodeVerify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(signatureHex, 'hex'));
};

/** RFC 8032 5.1.5 public key derivation in plain bigint arithmetic (no OpenSSL). */
function ed25519PublicKey(seed: Uint8Array): string {
  const P = 2n ** 255n - 19n;
  const mod = (a: bigint): bigint => ((a % P) + P) % P;
  const pow = (b: bigint, e: bigint): bigint => {
    let r = 1n;
    let x = mod(b);
    for (; e > 0n; e >>= 1n, x = (x * x) % P) if (e & 1n) r = (r * x) % P;
    return r;
  };
  const inv = (a: bigint): bigint => pow(a, P - 2n);
  const D = mod(-121665n * inv(121666n));
  type Pt = [bigint, bigint, bigint, bigint];
  const add = ([x1, y1, z1, t1]: Pt, [x2, y2, z2, t2]: Pt): Pt => {
    const a = mod((y1 - x1) * (y2 - x2));
    const b = mod((y1 + x1) * (y2 + x2));
    const c = mod(t1 * 2n * D * t2);
    const d = mod(z1 * 2n * z2);
    const e = b - a;
    const f = d - c;
    const g = d + c;
    const h = b + a;
    return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
  };
  const bx = 15112221349535400772501151409588531511454012693041857206046113283949847762202n;
  const by = 46316835694926478169428394003475163141307993866256225615783033603165251855960n;
  const h = createHash('sha512').update(seed).digest();
  let a = BigInt(`0x${Buffer.from(h.subarray(0, 32)).reverse().toString('hex')}`);
  a &= (1n << 254n) - 8n;
  a |= 1n << 254n;
  let q: Pt = [0n, 1n, 1n, 0n];
  let base: Pt = [bx, by, 1n, mod(bx * by)];
  for (; a > 0n; a >>= 1n, base = add(base, base)) if (a & 1n) q = add(q, base);
  const zi = inv(q[2]);
  const x = mod(q[0] * zi);
  const y = mod(q[1] * zi);
  const encoded = y | ((x & 1n) << 255n);
  return Buffer.from(encoded.toString(16).padStart(64, '0'), 'hex').reverse().toString('hex');
}

/** UUIDv5 (RFC 9562) by hand: SHA-1(namespace || name), version and variant bits set. */
function uuidV5(name: Uint8Array, namespace: string): string {
  const digest = createHash('sha1').update(uuidBytes(namespace)).update(name).digest().subarray(0, 16);
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const h = digest.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- the vectors -----------------------------------------------------------------------------

describe('crypto against RFC 8032 (section 7.1)', () => {
  it.each([
    [
      'TEST 1',
      '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      '',
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    ],
    [
      'TEST 2',
      '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      '72',
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    ],
  ])('%s: key from seed, signature, verification', (_name, seed, publicKey, message, signature) => {
    const pair = keyPairFromSeed(hexBytes(seed));
    expect(toHex(pair.publicKey)).toBe(publicKey);
    expect(ed25519PublicKey(hexBytes(seed))).toBe(publicKey);
    expect(toHex(signMessage(pair.secretKey, hexBytes(message)))).toBe(signature);
    expect(verifySignature(pair.publicKey, hexBytes(message), hexBytes(signature))).toBe(true);
  });
});

describe('the key (seed bytes 0x01..0x20)', () => {
  it('has the pinned public key, derived independently in bigint arithmetic', () => {
    expect(hex(VECTOR_SEED)).toBe('0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20');
    expect(toHex(keyPairFromSeed(VECTOR_SEED).publicKey)).toBe(V.publicKey);
    expect(ed25519PublicKey(VECTOR_SEED)).toBe(V.publicKey);
  });

  it('has the pinned wallet id, UUIDv5(DCHAT_NAMESPACE, raw public key) by hand (docs/protocol.md §6)', () => {
    expect(DCHAT_NAMESPACE).toBe('a0f04fc7-460a-489f-a322-b1ec63ed746b');
    expect(walletIdFromPublicKey(V.publicKey)).toBe(V.walletId);
    expect(uuidV5(hexBytes(V.publicKey), DCHAT_NAMESPACE)).toBe(V.walletId);
  });
});

describe('the transfer tx (chain dchat-test, nonce 7, 1000 tokens)', () => {
  it('has the pinned unsigned encoding, hash and signature', () => {
    const signed = signTx(TX, SIGNER.secretKey);
    expect(hex(encodeUnsignedTx(TX))).toBe(V.tx.unsigned);
    expect(hex(signed.hash)).toBe(V.tx.hash);
    expect(hex(signed.signature)).toBe(V.tx.signature);
    expect(hex(signed.bytes)).toBe(`92${V.tx.unsigned}c440${V.tx.signature}`);
  });

  it('hand-decodes as docs/protocol.md §1–3 [chain_id, type, signer_public_key, nonce, [to, amount]]', () => {
    const b = hexBytes(V.tx.unsigned);
    let at = 0;
    const take = (n: number): string => hex(b.subarray(at, (at += n)));
    expect(take(1)).toBe('95'); // fixarray of 5
    expect(take(1)).toBe('aa'); // fixstr of 10 ...
    expect(Buffer.from(take(10), 'hex').toString()).toBe('dchat-test');
    expect(take(1)).toBe('a8'); // fixstr of 8 ...
    expect(Buffer.from(take(8), 'hex').toString()).toBe('transfer');
    expect(take(2)).toBe('c420'); // bin 8 of 32: the raw public key
    expect(take(32)).toBe(V.publicKey);
    expect(take(1)).toBe('07'); // positive fixint nonce
    expect(take(1)).toBe('92'); // payload: fixarray of 2
    expect(take(2)).toBe('c410'); // bin 8 of 16: the recipient id's raw bytes
    expect(take(16)).toBe(TO.replace(/-/g, ''));
    expect(take(3)).toBe('cd03e8'); // uint 16: 1000
    expect(at).toBe(b.length);
    // The same bytes from the independent docs/protocol.md §1–3 writer.
    expect(mp(['dchat-test', 'transfer', hexBytes(V.publicKey), 7n, [uuidBytes(TO), 1_000n]])).toBe(V.tx.unsigned);
  });

  it('hash = SHA-256 of the unsigned encoding; the signature verifies with node:crypto; ed25519 is deterministic', () => {
    expect(nodeSha256(hexBytes(V.tx.unsigned))).toBe(V.tx.hash);
    expect(nodeEd25519Verify(V.publicKey, hexBytes(V.tx.hash), V.tx.signature)).toBe(true);
    expect(nodeEd25519Verify(V.publicKey, hexBytes(V.tx.unsigned), V.tx.signature)).toBe(false); // over the hash, not the bytes
    expect(hex(signTx(TX, keyPairFromSeed(VECTOR_SEED).secretKey).signature)).toBe(V.tx.signature);
  });

  it('the pinned signed bytes decode to the tx and verify', () => {
    const decoded = decodeSignedTx(hexBytes(`92${V.tx.unsigned}c440${V.tx.signature}`));
    expect(decoded.tx).toEqual(TX);
    expect(hex(decoded.hash)).toBe(V.tx.hash);
    expect(() => verifyTx(decoded, 'dchat-test')).not.toThrow();
  });
});

describe('the state root (the writes applied to the empty state: an account, the supply, two deletions of absent keys)', () => {
  it('has the pinned value', async () => {
    expect(hex((await applyWrites(new MemoryNodeStore(), EMPTY_ROOT, 42n, treeWrites(WRITES))).root.hash)).toBe(V.stateRoot);
  });

  it('= docs/protocol.md §18.2-18.3 by hand: the two leaves under the internal nodes down to the first bit their paths differ', () => {
    expect(hex(stateKeyBytes(ACCOUNT_KEY))).toBe(Buffer.from(ACCOUNT_KEY, 'ascii').toString('hex'));
    const account = mp([997_500n, 0n, [[500n, 100_842n]], 0n, 8n]);
    const supply = mp([100_000_002_500n, 2_500n, 5_000_000_000n, 17n]);
    expect(supply).toContain('cf000000174876f1c4'); // total_minted 100,000,002,500 as uint 64
    const leaves = [
      { path: hexBytes(nodeSha256(Buffer.from(ACCOUNT_KEY, 'ascii'))), value: hexBytes(account) },
      { path: hexBytes(nodeSha256(Buffer.from('meta:supply', 'ascii'))), value: hexBytes(supply) },
    ].map((l) => ({ ...l, hash: hexBytes(nodeSha256(Uint8Array.of(0x00), l.path, hexBytes(nodeSha256(l.value)))) }));
    const bit = (path: Uint8Array, d: number): number => (path[d >> 3]! >> (7 - (d & 7))) & 1;
    let depth = 0;
    while (bit(leaves[0]!.path, depth) === bit(leaves[1]!.path, depth)) depth++;
    const [left, right] = bit(leaves[0]!.path, depth) === 0 ? [leaves[0]!, leaves[1]!] : [leaves[1]!, leaves[0]!];
    // Protocol version 6: an internal node hashes its two children's hashes alone, 64 bytes (§18.2).
    let node = hexBytes(nodeSha256(left.hash, right.hash));
    // Above the split, each level has the pair on one side and an empty subtree (32 zero bytes) on the other.
    for (let d = depth - 1; d >= 0; d--) {
      const empty = new Uint8Array(32);
      node = hexBytes(bit(leaves[0]!.path, d) === 0 ? nodeSha256(node, empty) : nodeSha256(empty, node));
    }
    expect(hex(node)).toBe(V.stateRoot);
  });

  it('proves the account present and the deleted deadline key absent with the pinned bytes, as docs/protocol.md §18.4 lays them out by hand', async () => {
    const store = new MemoryNodeStore();
    const update = await applyWrites(store, EMPTY_ROOT, 42n, treeWrites(WRITES));
    store.apply(update);
    const proof = async (key: string): Promise<string> => hex(encodeStateProof((await proveKey(store, update.root, stateKeyBytes(key))).proof));
    expect(await proof(ACCOUNT_KEY)).toBe(V.proofs.account);
    expect(await proof(DEADLINE_KEY)).toBe(V.proofs.deadline);
    const accountPath = nodeSha256(Buffer.from(ACCOUNT_KEY, 'ascii'));
    const accountValueHash = nodeSha256(encodeStateValue(ACCOUNT_KEY, ACCOUNT));
    const supplyLeaf = nodeSha256(Uint8Array.of(0x00), hexBytes(nodeSha256(Buffer.from('meta:supply', 'ascii'))), hexBytes(nodeSha256(encodeStateValue('meta:supply', SUPPLY))));
    // end, depth 1 (u16 BE), bitmap with level 0 set, [the other leaf's path and value hash], the sibling.
    expect(V.proofs.account).toBe(`01000180${supplyLeaf}`);
    expect(V.proofs.deadline).toBe(`02000180${accountPath}${accountValueHash}${supplyLeaf}`);
  });

  it('the light verifier accepts the pinned proofs under the pinned root and refuses them for another value', () => {
    const root = hexBytes(V.stateRoot);
    const account = encodeStateValue(ACCOUNT_KEY, ACCOUNT);
    verifyStateProof({ root, key: stateKeyBytes(ACCOUNT_KEY), value: account, proof: hexBytes(V.proofs.account) });
    verifyStateProof({ root, key: stateKeyBytes(DEADLINE_KEY), value: null, proof: hexBytes(V.proofs.deadline) });
    const richer = encodeStateValue(ACCOUNT_KEY, { ...(ACCOUNT as object), balance: 997_501n } as StateValue);
    expect(() => verifyStateProof({ root, key: stateKeyBytes(ACCOUNT_KEY), value: richer, proof: hexBytes(V.proofs.account) })).toThrow(/root/i);
    expect(() => verifyStateProof({ root, key: stateKeyBytes(DEADLINE_KEY), value: account, proof: hexBytes(V.proofs.deadline) })).toThrow();
  });
});

describe('state values of protocol version 2 (docs/protocol.md §8)', () => {
  const PARAMS: StateValue = {
    chainId: 'dchat-test', genesisTimeMs: 1_767_225_600_000n, blockTimeMs: 6_000n, blocksPerYear: 5_256_000n,
    supply: { initialSupply: 100_000_000_000n, maxSupply: 1_000_000_000_000n, inflationRateBps: 500n, burnRateBps: 100n },
    minFee: 1n, unbondingBlocks: 100_800n, relayMinStake: 100_000n, escrowTimeoutBlocks: 100_800n, maxBlockTxs: 10_000n, maxBlockBytes: 8_388_608n,
    maxUnbondingEntries: 7n, maxRelays: 1_000n, maxPools: 1_000n, maxSchedules: 256n, maxDeadlinesPerHeight: 20_000n,
    gov: { minDeposit: 10_000_000n, depositBlocks: 100_800n, votingBlocks: 100_800n, quorumBps: 3_340n, vetoBps: 3_340n, thresholdBps: 5_000n, voterReward: 1_000_000n, maxActiveProposals: 16n },
  };

  it('meta:params: 17 fields, the supply config nested, the five list bounds, then the governance record (protocol version 3)', () => {
    expect(hex(encodeStateValue('meta:params', PARAMS))).toBe(V.params);
    expect(mp(['dchat-test', 1_767_225_600_000n, 6_000n, 5_256_000n, [100_000_000_000n, 1_000_000_000_000n, 500n, 100n], 1n, 100_800n, 100_000n, 100_800n, 10_000n, 8_388_608n, 7n, 1_000n, 1_000n, 256n, 20_000n,
      [10_000_000n, 100_800n, 100_800n, 3_340n, 3_340n, 5_000n, 1_000_000n, 16n]])).toBe(V.params);
    expect(decodeStateValue('meta:params', hexBytes(V.params))).toEqual(PARAMS);
  });

  it('a deadline entry is [kind, id bytes]; a height\'s count is a bare uint', () => {
    expect(hex(encodeStateValue(DEADLINE_KEY, { kind: 'unbonding', id: V.walletId }))).toBe(V.deadlineEntry);
    expect(mp(['unbonding', uuidBytes(V.walletId)])).toBe(V.deadlineEntry);
    expect(hex(encodeStateValue(DEADLINE_COUNT_KEY, 1n))).toBe('01');
  });
});

describe('the header (height 42, slot 45)', () => {
  it('tx_root = SHA-256 of the concatenated tx hashes; SHA-256 of nothing when empty', () => {
    const signed = signTx(TX, SIGNER.secretKey);
    expect(hex(txRoot([signed]))).toBe(V.txRoot);
    expect(nodeSha256(hexBytes(V.tx.hash))).toBe(V.txRoot);
    expect(hex(txRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(txRoot([signed, signed]))).toBe(nodeSha256(hexBytes(V.tx.hash), hexBytes(V.tx.hash)));
  });

  it('has the pinned encoding, hash and proposer signature', () => {
    expect(hex(encodeHeader(header()))).toBe(V.header.encoding);
    expect(hex(headerHash(header()))).toBe(V.header.hash);
    const block = sealBlock(header(), [signTx(TX, SIGNER.secretKey)], SIGNER.secretKey);
    expect(hex(block.hash)).toBe(V.header.hash);
    expect(hex(block.signature)).toBe(V.header.signature);
  });

  it('hash = SHA-256 of the encoding; the signature over the hash verifies with node:crypto', () => {
    expect(nodeSha256(hexBytes(V.header.encoding))).toBe(V.header.hash);
    expect(nodeEd25519Verify(V.publicKey, hexBytes(V.header.hash), V.header.signature)).toBe(true);
  });

  it('hand-decodes as docs/protocol.md §3.1 [protocol_version, chain_id, height, slot, parent_hash, timestamp_ms, proposer, tx_root, state_root]', () => {
    const b = hexBytes(V.header.encoding);
    let at = 0;
    const take = (n: number): string => hex(b.subarray(at, (at += n)));
    expect(take(1)).toBe('99'); // fixarray of 9
    expect(take(1)).toBe('06'); // protocol version 6
    expect(take(11)).toBe(`aa${Buffer.from('dchat-test').toString('hex')}`);
    expect(take(1)).toBe('2a'); // height 42
    expect(take(1)).toBe('2d'); // slot 45
    expect(take(34)).toBe(`c420${'ab'.repeat(32)}`);
    expect(take(1)).toBe('cf'); // uint 64: timestamp_ms is above 2^32
    expect(BigInt(`0x${take(8)}`)).toBe(TIMESTAMP);
    expect(take(34)).toBe(`c420${V.publicKey}`);
    expect(take(34)).toBe(`c420${V.txRoot}`);
    expect(take(34)).toBe(`c420${V.stateRoot}`);
    expect(at).toBe(b.length);
    const spec = mp([6n, 'dchat-test', 42n, 45n, new Uint8Array(32).fill(0xab), TIMESTAMP, hexBytes(V.publicKey), hexBytes(V.txRoot), hexBytes(V.stateRoot)]);
    expect(V.header.encoding).toBe(spec);
  });
});

describe('the block [header, [signed tx], signature]', () => {
  it('is the header, the signed tx and the signature, byte for byte, and decodes back', () => {
    const bytes = `93${V.header.encoding}9192${V.tx.unsigned}c440${V.tx.signature}c440${V.header.signature}`;
    const block = sealBlock(header(), [signTx(TX, SIGNER.secretKey)], SIGNER.secretKey);
    expect(hex(block.bytes)).toBe(bytes);
    const decoded = decodeBlock(hexBytes(bytes));
    expect(decoded.header).toEqual(header());
    expect(hex(decoded.hash)).toBe(V.header.hash);
    expect(decoded.txs.map((t) => hex(t.hash))).toEqual([V.tx.hash]);
  });
});
