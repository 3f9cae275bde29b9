/**
 * ed25519 verification (RFC 8032, docs/protocol.md §5) through WebCrypto, which Chromium and Node
 * 24 both carry as `crypto.subtle` with the 'Ed25519' algorithm: no pure-JS curve code to trust or
 * ship. A browser offers `crypto.subtle` only in a secure context (https, or http on localhost).
 */
import { bytesToHex } from './hex.ts';

// Bytes copied into their own ArrayBuffer: WebCrypto takes BufferSource, and a view may be shared.
const own = (b: Uint8Array): Uint8Array<ArrayBuffer> => Uint8Array.from(b);

type VerifyKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

const keys = new Map<string, Promise<VerifyKey>>();

function importKey(publicKey: Uint8Array): Promise<VerifyKey> {
  const id = bytesToHex(publicKey);
  let key = keys.get(id);
  if (key === undefined) {
    key = globalThis.crypto.subtle.importKey('raw', own(publicKey), { name: 'Ed25519' }, false, ['verify']);
    keys.set(id, key);
    // Validators are few; the cache stays small. A key that fails to import is not kept.
    key.catch(() => keys.delete(id));
  }
  return key;
}

/** Whether `signature` is `publicKey`'s signature of `message`; any malformed input is false. */
export async function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, await importKey(publicKey), own(signature), own(message));
  } catch {
    return false;
  }
}
