/**
 * Keys on WebCrypto (Ed25519, SHA-1, SHA-256), present in Node 24 and in current browsers: a key is
 * its 32-byte ed25519 seed as it travels in the keystore and `dchat keys export`; the wallet id is
 * UUIDv5(dchat namespace, raw public key) exactly as src/tokenomics/ids.ts computes it (§6.2).
 */
import { DCHAT_NAMESPACE } from '../tokenomics/id-namespace.ts';
import { bytesToHex, hexToBytes, uuidBytes, uuidV5FromSha1 } from '../tokenomics/uuid-text.ts';

// DER prefix that wraps a raw 32-byte ed25519 seed as PKCS#8 (RFC 8410).
const PKCS8_PREFIX = hexToBytes('302e020100300506032b657004220420');
const NAMESPACE_BYTES = uuidBytes(DCHAT_NAMESPACE);
const ED25519 = { name: 'Ed25519' } as const;

export interface ClientKey {
  /** Hex of the 32-byte seed: the secret. */
  readonly seedHex: string;
  /** Hex of the raw 32-byte public key (the tx's signer). */
  readonly publicKeyHex: string;
  readonly walletId: string;
  /** Signs a message (a tx hash) with this key: 64 bytes. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

const subtle = (): typeof globalThis.crypto.subtle => globalThis.crypto.subtle;

export async function digest(algorithm: 'SHA-1' | 'SHA-256', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(algorithm, data));
}

/** The wallet id of a raw public key given as hex (docs/protocol.md §6.2). */
export async function walletIdOf(publicKeyHex: string): Promise<string> {
  const name = hexToBytes(publicKeyHex);
  const input = new Uint8Array(NAMESPACE_BYTES.length + name.length);
  input.set(NAMESPACE_BYTES);
  input.set(name, NAMESPACE_BYTES.length);
  return uuidV5FromSha1(await digest('SHA-1', input));
}

/** A fresh key from the platform's secure random source. */
export function generateKey(): Promise<ClientKey> {
  return keyFromSeedBytes(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/** The key of a 32-byte seed given as 64 hex digits. */
export function keyFromSeed(seedHex: string): Promise<ClientKey> {
  if (!/^[0-9a-fA-F]{64}$/.test(seedHex)) return Promise.reject(new TypeError('An ed25519 seed is 32 bytes: 64 hex digits.'));
  return keyFromSeedBytes(hexToBytes(seedHex));
}

async function keyFromSeedBytes(seed: Uint8Array): Promise<ClientKey> {
  const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32);
  pkcs8.set(PKCS8_PREFIX);
  pkcs8.set(seed, PKCS8_PREFIX.length);
  // Extractable once, to read the public key from its JWK (WebCrypto derives no public key otherwise).
  const exportable = await subtle().importKey('pkcs8', pkcs8, ED25519, true, ['sign']);
  const jwk = await subtle().exportKey('jwk', exportable);
  const publicKeyHex = bytesToHex(base64UrlBytes(jwk.x!));
  const privateKey = await subtle().importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
  return {
    seedHex: bytesToHex(seed),
    publicKeyHex,
    walletId: await walletIdOf(publicKeyHex),
    sign: async (message) => new Uint8Array(await subtle().sign(ED25519, privateKey, message)),
  };
}

/** Checks an ed25519 signature over a message against a raw public key given as hex. */
export async function verifySignature(publicKeyHex: string, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    const key = await subtle().importKey('raw', hexToBytes(publicKeyHex), ED25519, false, ['verify']);
    return await subtle().verify(ED25519, key, signature, message);
  } catch {
    return false;
  }
}

function base64UrlBytes(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
