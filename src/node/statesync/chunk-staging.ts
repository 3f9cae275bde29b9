/**
 * The verified chunks of a restore in progress, on disk (docs/protocol.md §20.5): one folder per
 * snapshot (`<data dir>/statesync/<height>-<block hash prefix>/`), each chunk written to a temporary
 * file and renamed once whole, so a node killed during a restore finds only whole chunks. They are
 * checked again against the manifest before reuse (a disk can rot), and the folder is removed once
 * the state is installed, or when another snapshot is chosen.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../chain/crypto.ts';
import { RefKind, type SnapshotChunk, type SnapshotManifest } from '../../chain/snapshot/format.ts';
import { verifyChunk } from '../../chain/snapshot/verify.ts';
import { CodedError } from '../../tokenomics/errors.ts';

/** The snapshot an interrupted restore was fetching: its height and block hash prefix, from its folder's name. */
export function stagedSnapshot(dataDir: string): { height: bigint; hashPrefix: string } | null {
  const root = join(dataDir, 'statesync');
  if (!existsSync(root)) return null;
  for (const name of readdirSync(root)) {
    const match = /^(\d{1,20})-([0-9a-f]{16})$/.exec(name);
    if (match !== null) return { height: BigInt(match[1]!), hashPrefix: match[2]! };
  }
  return null;
}

export class ChunkStaging {
  readonly dir: string;
  private readonly root: string;
  private readonly manifest: SnapshotManifest;

  constructor(dataDir: string, manifest: SnapshotManifest) {
    this.root = join(dataDir, 'statesync');
    this.manifest = manifest;
    this.dir = join(this.root, `${manifest.height}-${toHex(manifest.blockHash).slice(0, 16)}`);
  }

  /** Makes this snapshot's folder, removing those of any other snapshot. */
  open(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(this.root)) if (join(this.root, name) !== this.dir) rmSync(join(this.root, name), { recursive: true, force: true });
  }

  /** Indexes of the chunks already on disk that still verify; the others are deleted. */
  verifiedOnDisk(): Set<number> {
    const held = new Set<number>();
    for (const name of readdirSync(this.dir)) {
      const match = /^chunk-(\d+)$/.exec(name);
      if (match === null) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      const index = Number(match[1]);
      try {
        verifyChunk(this.manifest, index, readFileSync(join(this.dir, name)));
        held.add(index);
      } catch (err) {
        if (!(err instanceof CodedError)) throw err;
        rmSync(join(this.dir, name), { force: true });
      }
    }
    return held;
  }

  /** Keeps a verified chunk: whole or not at all. */
  put(index: number, bytes: Uint8Array): void {
    const path = this.path(index);
    writeFileSync(`${path}.tmp`, bytes, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }

  /** The non-empty chunks as kept, read one at a time in index order (the install checks each again: a disk can rot). */
  *chunks(): Generator<SnapshotChunk> {
    for (let index = 0; index < this.manifest.chunks.length; index++) {
      if (this.manifest.chunks[index]!.kind !== RefKind.Empty) yield { index, bytes: readFileSync(this.path(index)) };
    }
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private path(index: number): string {
    return join(this.dir, `chunk-${index}`);
  }
}
