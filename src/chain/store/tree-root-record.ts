/**
 * How TREE_ROOT stores a block's tree root (tree-store.ts). The root node's hash is the tree's
 * hash, and the root was written by that very block (or one shortly before), so the record is
 *
 *   kind u8 (0 empty tree, 1 leaf, 2 internal) ‖ [varint(height - root version), if not empty] ‖ hash
 *
 * 34 bytes instead of the 81 of msgpack [hash, [kind, version, hash]], which older nodes wrote and
 * which still reads: it starts with a fixarray header (0x92), never 0, 1 or 2.
 */
import { pack, unpack } from '../codec/msgpack.ts';
import { bin, nullable, oneOf, record, u64 } from '../codec/schema.ts';
import { malformed } from '../errors.ts';
import type { TreeRoot } from '../state-tree/index.ts';
import { readVarint, varintLength, writeVarint } from '../state-tree/varint.ts';

const refCodec = nullable(record({ kind: oneOf(['leaf', 'internal'] as const), version: u64, hash: bin(32) }));
const legacyCodec = record<TreeRoot>({ hash: bin(32), ref: refCodec });
const KIND = { leaf: 1, internal: 2 } as const;
const HASH_BYTES = 32;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function encodeTreeRoot(root: TreeRoot, height: bigint): Uint8Array {
  const { ref } = root;
  // A root ref of another hash, or newer than its block, is no tree this code writes: the old layout keeps it whole.
  if (root.hash.length !== HASH_BYTES || (ref !== null && (ref.version > height || height - ref.version > MAX_SAFE || Buffer.compare(ref.hash, root.hash) !== 0))) return pack(legacyCodec.enc(root));
  const delta = ref === null ? null : Number(height - ref.version);
  const out = new Uint8Array(1 + (delta === null ? 0 : varintLength(delta)) + HASH_BYTES);
  out[0] = ref === null ? 0 : KIND[ref.kind];
  const at = delta === null ? 1 : writeVarint(out, 1, delta);
  out.set(root.hash, at);
  return out;
}

export function decodeTreeRoot(bytes: Uint8Array, height: bigint): TreeRoot {
  const kind = bytes[0];
  if (kind !== 0 && kind !== KIND.leaf && kind !== KIND.internal) return legacyCodec.dec(unpack(bytes, 'state tree root'), 'state tree root');
  const [delta, at] = kind === 0 ? [null, 1] : readVarint(bytes, 1, (problem) => malformed('state tree root', problem));
  if (bytes.length !== at + HASH_BYTES) malformed('state tree root', `${bytes.length} bytes.`);
  if (delta !== null && BigInt(delta) > height) malformed('state tree root', 'a root newer than its block.');
  const hash = bytes.slice(at);
  return { hash, ref: delta === null ? null : { kind: kind === KIND.leaf ? 'leaf' : 'internal', version: height - BigInt(delta), hash } };
}
