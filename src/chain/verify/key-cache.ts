/**
 * Public KeyObjects per raw ed25519 key, in a bounded LRU. node:crypto verifies only against a
 * KeyObject, and building one from the raw 32 bytes (wrapped as SPKI DER) costs about a quarter of
 * a verification; senders repeat from transaction to transaction and proposers from block to
 * block, so the key is built once. The bound keeps a stream of fresh keys from growing memory.
 * Only node:crypto here: this module also runs inside the verification worker threads.
 */
import { type KeyObject, createPublicKey, verify } from 'node:crypto';

/** DER prefix that wraps a raw 32-byte ed25519 public key as SPKI. */
export const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const DEFAULT_KEY_CACHE_SIZE = 16_384;

export class PublicKeyCache {
  private readonly keys = new Map<string, KeyObject>();
  private readonly capacity: number;

  constructor(capacity = DEFAULT_KEY_CACHE_SIZE) {
    this.capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.keys.size;
  }

  /** The KeyObject of a raw 32-byte key; throws if node:crypto refuses the bytes (never cached). */
  get(publicKey: Uint8Array): KeyObject {
    const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1');
    const hit = this.keys.get(id);
    if (hit !== undefined) {
      // Most recently used goes last; the first entry is the one to evict.
      this.keys.delete(id);
      this.keys.set(id, hit);
      return hit;
    }
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (this.keys.size >= this.capacity) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(id, key);
    return key;
  }

  /** ed25519 verification through the cache; any malformed key or signature is simply "false". */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, this.get(publicKey), signature);
    } catch {
      return false;
    }
  }
}
