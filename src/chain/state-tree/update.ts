/**
 * One version's update of the state tree (docs/protocol.md §18.3, §18.6): a batch of writes (key,
 * value bytes or null for a deletion) applied to the tree at `root`, in two phases. First the nodes
 * on the written paths are fetched, one `getNodes` call per level for the whole batch; then the new
 * nodes are computed synchronously and returned as data with the keys they make stale. The result
 * depends only on the resulting set of (key, value) pairs (§18.3), so bulk loading a sorted set is
 * this same update from the empty tree.
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { EMPTY_HASH, HASH_BYTES, MAX_DEPTH, equalBytes, pathBit } from '../../light/tree-rules.ts';
import { internalHashInto, leafHashInto } from './hash.ts';
import { sha256Into } from './sha256.ts';
import { Slab } from './slab.ts';
import { type ChildRef, LEAF_RECORD_TAG, LEFT_HASH_AT, RECORD_STRIDE, RIGHT_HASH_AT, type TreeNode, bytesId, childKindAt, childRefAt, childVersionOffset, encodeNode, nodeKey, nodeKeyLength, nodeKeyVersion, writeKeyPosition, writeKeyVersion } from './node.ts';
import type { NodeReader, PackedReads, TreeRoot, TreeUpdate } from './node-store.ts';
import { readPacked } from './packed-reads.ts';

export const EMPTY_ROOT: TreeRoot = { hash: EMPTY_HASH, ref: null };

/** A hashed write: the key's path and the value's hash, null for a deletion. */
export interface Change {
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array | null;
}

/** A subtree after the update: empty, an internal node already stored, or a leaf not yet placed. */
export type Sub =
  | null
  | { readonly kind: 'internal'; readonly version: bigint; readonly hash: Uint8Array }
  | {
      readonly kind: 'leaf';
      readonly hash: Uint8Array;
      /** Where the leaf is stored now, if it is an existing leaf; it moves if its parent places it at another depth (key null: not read, so it cannot). */
      readonly at?: { readonly key: Uint8Array | null; readonly depth: number; readonly version: bigint };
      /** Known for new leaves and loaded ones; a leaf left in place needs none. */
      readonly keyHash?: Uint8Array;
      readonly valueHash?: Uint8Array;
    };

const compare = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);

/** The path of a child: `path` with bit `depth` set to `bit` (only the first depth + 1 bits matter). */
function childPath(path: Uint8Array, depth: number, bit: number): Uint8Array {
  const out = Uint8Array.from(path);
  const mask = 0x80 >> (depth & 7);
  out[depth >> 3] = bit === 1 ? out[depth >> 3]! | mask : out[depth >> 3]! & ~mask;
  return out;
}

/** First index in [lo, hi) whose path has bit `depth` set; the range is sorted and shares the first `depth` bits. */
export function splitAt(items: readonly { readonly keyHash: Uint8Array }[], lo: number, hi: number, depth: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >> 1;
    if (pathBit(items[m]!.keyHash, depth) === 0) a = m + 1;
    else b = m;
  }
  return a;
}

/** Hashes and sorts the writes; a key written twice is the caller's bug, refused. */
export function hashWrites(writes: Iterable<readonly [Uint8Array, Uint8Array | null]>): Change[] {
  // Sorted by the paths' latin1 strings: string order is byte order, and comparing strings is far
  // cheaper than a Buffer.compare call per comparison (a million-key bulk load sorts 20 million times).
  const sortable: { id: string; change: Change }[] = [];
  const hashes = new Slab();
  for (const [key, value] of writes) {
    const keyHash = hashes.alloc(HASH_BYTES);
    sha256Into(key, keyHash, 0);
    let valueHash: Uint8Array | null = null;
    if (value !== null) {
      valueHash = hashes.alloc(HASH_BYTES);
      sha256Into(value, valueHash, 0);
    }
    sortable.push({ id: bytesId(keyHash), change: { keyHash, valueHash } });
  }
  sortable.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sortable.length; i++) {
    if (sortable[i - 1]!.id === sortable[i]!.id) throw new ChainError(ChainErrorCode.InvalidBlock, 'A state tree update writes one key twice.');
  }
  return sortable.map((s) => s.change);
}

/**
 * The nodes phase 1 read at one depth, packed (a 10,000-transfer block at a million keys reads
 * ~160,000: an object, a key view and a record view each were most of what the update allocated).
 * Node i's key is keys[i * keyLength, ...), its record records[i * RECORD_STRIDE, ...), the changes
 * below it changes[lo[i], hi[i]), a path through it paths[i], and its children read at depth + 1
 * are left[i] and right[i] there (-1: not read). Phase 2 walks these beside the refs, so it finds
 * each node with no lookup and no key rebuilt.
 */
interface Level extends PackedReads {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly paths: Uint8Array[];
  readonly left: Int32Array;
  readonly right: Int32Array;
  count: number;
  records: Uint8Array;
}

function newLevel(depth: number, capacity: number): Level {
  const keyLength = nodeKeyLength(depth);
  return {
    keys: new Uint8Array(capacity * keyLength), keyLength, count: 0, records: new Uint8Array(0),
    lo: new Int32Array(capacity), hi: new Int32Array(capacity), paths: [], left: new Int32Array(capacity).fill(-1), right: new Int32Array(capacity).fill(-1),
  };
}

/** A view of node i's key (for the stale list). */
const keyOf = (level: Level, i: number): Uint8Array => level.keys.subarray(i * level.keyLength, (i + 1) * level.keyLength);

/** Phase 1: every node the update reads, fetched level by level; levels[d] holds depth d's. */
async function prefetch(store: NodeReader, root: TreeRoot, changes: readonly Change[]): Promise<Level[]> {
  const levels: Level[] = [];
  if (root.ref === null || changes.length === 0) return levels;
  let level = newLevel(0, 1);
  writeKeyVersion(level.keys, 0, root.ref.version);
  writeKeyPosition(level.keys, 0, 0, changes[0]!.keyHash);
  level.hi[0] = changes.length;
  level.paths.push(changes[0]!.keyHash);
  level.count = 1;
  for (let depth = 0; level.count > 0; depth++) {
    level.records = new Uint8Array(level.count * RECORD_STRIDE);
    const missing = await readPacked(store, level);
    if (missing >= 0) throw new ChainError(ChainErrorCode.StoreCorrupt, `The state tree lacks the node at depth ${depth} of version ${nodeKeyVersion(keyOf(level, missing))}.`);
    levels.push(level);
    const { records, lo, hi, paths } = level;
    const next = newLevel(depth + 1, 2 * level.count);
    for (let i = 0; i < level.count; i++) {
      const at = i * RECORD_STRIDE;
      if (records[at] === LEAF_RECORD_TAG) continue;
      const mid = splitAt(changes, lo[i]!, hi[i]!, depth);
      // Two sides inline, not an array of side objects: this runs for every node the update reads.
      for (let bit = 0; bit < 2; bit++) {
        const kind = childKindAt(records, bit, at);
        if (kind === null) continue;
        const a = bit === 0 ? lo[i]! : mid;
        const b = bit === 0 ? mid : hi[i]!;
        // An untouched leaf is read only when deletes beside it may lift it up a level.
        const needed = a < b || (kind === 'leaf' && (bit === 0 ? hasDelete(changes, mid, hi[i]!) : hasDelete(changes, lo[i]!, mid)));
        if (!needed) continue;
        const path = a < b ? changes[a]!.keyHash : childPath(paths[i]!, depth, bit);
        const j = next.count++;
        // The child's key starts with its version, as the parent's record holds it.
        const keyAt = j * next.keyLength;
        const versionAt = childVersionOffset(at, bit);
        for (let k = 0; k < 8; k++) next.keys[keyAt + k] = records[versionAt + k]!;
        writeKeyPosition(next.keys, keyAt, depth + 1, path);
        next.lo[j] = a;
        next.hi[j] = b;
        next.paths.push(path);
        (bit === 0 ? level.left : level.right)[i] = j;
      }
    }
    level = next;
  }
  return levels;
}

/** The path handed to a child on side `bit`: its first change's, or for an untouched leaf its position's (an untouched internal child needs none). */
function sidePath(changes: readonly Change[], a: number, b: number, child: ChildRef, path: Uint8Array, depth: number, bit: number): Uint8Array {
  if (a < b) return changes[a]!.keyHash;
  return child?.kind === 'leaf' ? childPath(path, depth, bit) : path;
}

function hasDelete(changes: readonly Change[], lo: number, hi: number): boolean {
  for (let i = lo; i < hi; i++) if (changes[i]!.valueHash === null) return true;
  return false;
}

/** Phase 2: the new nodes of `version`, computed from the loaded ones (build.ts also uses it from the empty tree). */
export class Writer {
  readonly puts: { key: Uint8Array; value: Uint8Array }[] = [];
  readonly stale: Uint8Array[] = [];
  private readonly version: bigint;
  /** The new records and hashes are views into it. */
  private readonly slab = new Slab();
  private readonly alloc = (length: number): Uint8Array => this.slab.alloc(length);

  /** What phase 1 read, by depth (none for a build from the empty tree). */
  private readonly levels: readonly Level[];

  constructor(version: bigint, levels: readonly Level[] = []) {
    this.version = version;
    this.levels = levels;
  }

  /** The new nodes so far, handed over (a bulk build streams them out in chunks). */
  takePuts(): { key: Uint8Array; value: Uint8Array }[] {
    return this.puts.splice(0, this.puts.length);
  }

  /** The subtree at (depth, path) whose current root is `ref` (read by phase 1 as node `fetched` of its depth, -1 if not), after `changes[lo, hi)`. */
  update(ref: ChildRef, fetched: number, depth: number, path: Uint8Array, changes: readonly Change[], lo: number, hi: number): Sub {
    if (ref === null) return this.build(depth, changes.slice(lo, hi).filter((c) => c.valueHash !== null) as Leaf[], 0, -1);
    if (lo === hi && ref.kind === 'internal') return ref;
    const level = fetched < 0 ? undefined : this.levels[depth]!;
    const at = fetched * RECORD_STRIDE;
    if (lo === hi) {
      // An untouched leaf: phase 1 read it only if it may have to move (then it can, see place()).
      if (level === undefined || level.records[at] !== LEAF_RECORD_TAG) return { kind: 'leaf', hash: ref.hash, at: { key: null, depth, version: ref.version } };
      return { kind: 'leaf', hash: ref.hash, at: { key: keyOf(level, fetched), depth, version: ref.version }, ...leafOf(level.records, at) };
    }
    if (level === undefined) throw new ChainError(ChainErrorCode.StoreCorrupt, 'The state tree update reached a node it did not fetch.');
    const { records } = level;
    if (records[at] === LEAF_RECORD_TAG) return this.mergeLeaf(ref, keyOf(level, fetched), depth, leafOf(records, at), changes, lo, hi);
    const node = { left: childRefAt(records, 0, at), right: childRefAt(records, 1, at) };
    // Unchanged children come back as they were; then nothing below changed and the node stays.
    const mid = splitAt(changes, lo, hi, depth);
    // An untouched internal child needs no path; an untouched leaf needs its position's.
    const left = this.update(node.left, level.left[fetched]!, depth + 1, sidePath(changes, lo, mid, node.left, path, depth, 0), changes, lo, mid);
    const right = this.update(node.right, level.right[fetched]!, depth + 1, sidePath(changes, mid, hi, node.right, path, depth, 1), changes, mid, hi);
    if (sameHash(left, node.left) && sameHash(right, node.right)) return ref as Sub;
    this.stale.push(keyOf(level, fetched));
    return this.combine(depth, path, left, right);
  }

  /** An existing leaf meets writes below it: the leaves of this subtree are rebuilt unless it stays as it is. */
  private mergeLeaf(ref: NonNullable<ChildRef>, key: Uint8Array, depth: number, leaf: Leaf, changes: readonly Change[], lo: number, hi: number): Sub {
    const leaves: Leaf[] = [];
    let replaced = false;
    for (let i = lo; i < hi; i++) {
      const c = changes[i]!;
      if (equalBytes(c.keyHash, leaf.keyHash)) replaced = true;
      if (c.valueHash !== null) leaves.push(c as Leaf);
    }
    if (!replaced) {
      leaves.push(leaf);
      leaves.sort((a, b) => compare(a.keyHash, b.keyHash));
    }
    // The same single leaf (deletes of absent keys, or its own value written again) stays where it is.
    const only = leaves.length === 1 ? leaves[0]! : null;
    if (only !== null && equalBytes(only.keyHash, leaf.keyHash) && equalBytes(only.valueHash, leaf.valueHash)) {
      return { kind: 'leaf', hash: ref.hash, at: { key, depth, version: ref.version }, keyHash: leaf.keyHash, valueHash: leaf.valueHash };
    }
    this.stale.push(key);
    return this.build(depth, leaves, 0, leaves.length);
  }

  /** The subtree at `depth` holding exactly leaves[lo, hi) (hi = -1: all), all sharing the first `depth` bits. */
  build(depth: number, leaves: readonly Leaf[], lo: number, hi: number): Sub {
    const end = hi < 0 ? leaves.length : hi;
    if (end === lo) return null;
    if (end - lo === 1) {
      const leaf = leaves[lo]!;
      const hash = this.slab.alloc(HASH_BYTES);
      leafHashInto(leaf.keyHash, leaf.valueHash, hash, 0);
      return { kind: 'leaf', hash, keyHash: leaf.keyHash, valueHash: leaf.valueHash };
    }
    if (depth >= MAX_DEPTH) throw new ChainError(ChainErrorCode.InvalidBlock, 'Two state keys share a 256-bit path.');
    const mid = splitAt(leaves, lo, end, depth);
    const path = leaves[lo]!.keyHash;
    return this.combine(depth, path, this.build(depth + 1, leaves, lo, mid), this.build(depth + 1, leaves, mid, end));
  }

  /** The node at (depth, path) over two new subtrees; a lone leaf rises to its parent (leaf compression, §18.1). */
  combine(depth: number, path: Uint8Array, left: Sub, right: Sub): Sub {
    if (left === null && (right === null || right.kind === 'leaf')) return right;
    if (right === null && left!.kind === 'leaf') return left;
    const node: TreeNode = { kind: 'internal', left: this.place(left, depth + 1), right: this.place(right, depth + 1) };
    const record = encodeNode(node, this.alloc);
    this.puts.push({ key: nodeKey(this.version, depth, path, this.alloc), value: record });
    // The record holds both child hashes (zeros, i.e. EMPTY, for an empty side): hashed from there.
    const hash = this.slab.alloc(HASH_BYTES);
    internalHashInto(record, LEFT_HASH_AT, RIGHT_HASH_AT, hash, 0);
    return { kind: 'internal', version: this.version, hash };
  }

  /** The reference to `sub` stored at `depth`: a leaf that moved is written again there (its own path is its position), its old record stale. */
  place(sub: Sub, depth: number): ChildRef {
    if (sub === null) return null;
    // An internal Sub has a ref's shape: it is the ref.
    if (sub.kind === 'internal') return sub;
    if (sub.at !== undefined && sub.at.depth === depth) return { kind: 'leaf', version: sub.at.version, hash: sub.hash };
    if (sub.keyHash === undefined || sub.valueHash === undefined || sub.at?.key === null) throw new ChainError(ChainErrorCode.StoreCorrupt, 'The state tree update must move a leaf it did not fetch.');
    if (sub.at !== undefined && sub.at.key !== null) this.stale.push(sub.at.key);
    this.puts.push({ key: nodeKey(this.version, depth, sub.keyHash, this.alloc), value: encodeNode({ kind: 'leaf', keyHash: sub.keyHash, valueHash: sub.valueHash }, this.alloc) });
    return { kind: 'leaf', version: this.version, hash: sub.hash };
  }
}

export type Leaf = { readonly keyHash: Uint8Array; readonly valueHash: Uint8Array };

/** The two hashes of the leaf record at bytes[at], as views. */
const leafOf = (bytes: Uint8Array, at: number): Leaf => ({ keyHash: bytes.subarray(at + 1, at + 1 + HASH_BYTES), valueHash: bytes.subarray(at + 1 + HASH_BYTES, at + 1 + 2 * HASH_BYTES) });

function sameHash(sub: Sub, ref: ChildRef): boolean {
  if (sub === null || ref === null) return sub === ref;
  return sub.kind === ref.kind && equalBytes(sub.hash, ref.hash);
}

/**
 * Applies `writes` (state key bytes, value bytes or null = delete) to the tree at `root` as
 * `version`, which must be above every version the tree holds (a block's height). Reads go through
 * `store`; nothing is written: the new nodes and the newly stale keys come back as data.
 */
export async function applyWrites(store: NodeReader, root: TreeRoot, version: bigint, writes: Iterable<readonly [Uint8Array, Uint8Array | null]>): Promise<TreeUpdate> {
  // Node keys start with the version: writing under the root's own version or below would overwrite nodes a retained version uses.
  if (root.ref !== null && version <= root.ref.version) throw new ChainError(ChainErrorCode.InvalidBlock, `A state tree update as version ${version} must be above its root's version ${root.ref.version}.`);
  const changes = hashWrites(writes);
  const levels = await prefetch(store, root, changes);
  const writer = new Writer(version, levels);
  if (changes.length === 0) return { version, root, puts: [], stale: [] };
  const path = changes[0]!.keyHash;
  const ref = writer.place(writer.update(root.ref, levels.length === 0 ? -1 : 0, 0, path, changes, 0, changes.length), 0);
  return { version, root: ownedRoot(ref), puts: writer.puts, stale: writer.stale };
}

/**
 * The root with its hash copied out of the update's slab: a root outlives its update (the chain's
 * head, block headers kept by RecentHeaders and SeenProposals), and a slab view would keep the
 * whole 1 MiB chunk alive with it: a producing validator held ~1 MiB per block it remembered.
 */
export function ownedRoot(ref: ChildRef | null): TreeRoot {
  if (ref === null) return { hash: EMPTY_HASH, ref: null };
  const hash = Uint8Array.from(ref.hash);
  return { hash, ref: { ...ref, hash } };
}
