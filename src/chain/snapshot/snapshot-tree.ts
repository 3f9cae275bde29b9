/**
 * The state tree of a snapshot of block H, built chunk by chunk as the snapshot is installed
 * (docs/protocol.md §20.5): each chunk's subtree is built as version H from its pairs, and its root
 * must be the manifest's hash for that chunk, which is §20.3's chunk check done with the nodes the
 * store keeps, so nothing is hashed twice. The levels above the chunks are combined once every
 * chunk is in, and that root must be H's state_root: the tree built from the pairs has it.
 */
import { EMPTY_HASH, equalBytes } from '../../light/tree-rules.ts';
import { combineLevels } from '../state-tree/build.ts';
import type { NodePut, TreeRoot } from '../state-tree/index.ts';
import { type Sub, Writer, ownedRoot } from '../state-tree/update.ts';
import { RefKind, type SnapshotManifest, type StatePair, invalidSnapshot } from './format.ts';
import { chunkForged, chunkLeaves } from './verify.ts';

export class SnapshotTree {
  private readonly manifest: SnapshotManifest;
  private readonly writer: Writer;
  /** Per chunk index, its subtree once added (undefined: not yet), and the first path in it. */
  private readonly subs: (Sub | undefined)[];
  private readonly paths: (Uint8Array | null)[];

  /** `manifest` has passed verifyManifest against the trusted block. */
  constructor(manifest: SnapshotManifest) {
    this.manifest = manifest;
    this.writer = new Writer(manifest.height);
    this.subs = new Array<Sub | undefined>(manifest.chunks.length).fill(undefined);
    this.paths = new Array<Uint8Array | null>(manifest.chunks.length).fill(null);
  }

  /** Checks chunk `index` (any order, once each): its pairs (views into `bytes`) and the tree nodes of its subtree. */
  add(index: number, bytes: Uint8Array): { pairs: StatePair[]; nodes: NodePut[] } {
    if (this.subs[index] !== undefined) invalidSnapshot(`Snapshot chunk ${index} is installed twice.`);
    const { expected, pairs, leaves } = chunkLeaves(this.manifest, index, bytes);
    const sub = this.writer.build(this.manifest.depth, leaves, 0, leaves.length);
    const nodes = this.writer.takePuts();
    if (!equalBytes(sub === null ? EMPTY_HASH : sub.hash, expected)) chunkForged(index);
    this.subs[index] = owned(sub);
    this.paths[index] = leaves.length === 0 ? null : Uint8Array.from(leaves[0]!.keyHash);
    return { pairs, nodes };
  }

  /** Once every non-empty chunk is added: the root and the nodes above the chunks; its hash must be `stateRoot`. */
  root(stateRoot: Uint8Array): { root: TreeRoot; nodes: NodePut[] } {
    const subs = this.subs.map((sub, i) => {
      if (sub !== undefined) return sub;
      if (this.manifest.chunks[i]!.kind !== RefKind.Empty) invalidSnapshot(`Snapshot chunk ${i} was never installed.`);
      return null;
    });
    const root = ownedRoot(this.writer.place(combineLevels(this.writer, this.manifest.depth, subs, this.paths), 0));
    if (!equalBytes(root.hash, stateRoot)) invalidSnapshot(`The snapshot's pairs build a state tree whose root is not block ${this.manifest.height}'s state_root.`);
    return { root, nodes: this.writer.takePuts() };
  }
}

/**
 * A chunk's subtree with its hashes copied out: it lives until the last chunk is in, and a view
 * would keep the writer's slab (and a lone leaf, its chunk's hashes) alive with it.
 */
function owned(sub: Sub): Sub {
  if (sub === null) return null;
  if (sub.kind === 'internal') return { ...sub, hash: Uint8Array.from(sub.hash) };
  return {
    kind: 'leaf',
    hash: Uint8Array.from(sub.hash),
    ...(sub.keyHash === undefined ? {} : { keyHash: Uint8Array.from(sub.keyHash) }),
    ...(sub.valueHash === undefined ? {} : { valueHash: Uint8Array.from(sub.valueHash) }),
  };
}
