/**
 * The SDK's keys and transactions against the node's own: for every operation type (every sample
 * and u64 edge of the codec fixture) the SDK signs, on WebCrypto, the very bytes, hash and
 * signature the node's signTx makes on node:crypto, and the node decodes and verifies them.
 */
import { describe, expect, it } from 'vitest';
import { OPERATION_TYPES, decodeSignedTx, signTx, verifyTx } from '../../../src/chain/codec/tx.ts';
import { generateKeyPair, keyPairFromSeed, toHex } from '../../../src/chain/crypto.ts';
import { generateKey, keyFromSeed, signTransaction, verifySignature, walletIdOf } from '../../../src/client/index.ts';
import { walletIdFromPublicKey } from '../../../src/tokenomics/index.ts';
import { CHAIN_ID, OTHER, VECTOR_SEED, variantsOf } from '../chain/codec/codec-fixture.ts';

const seedHex = toHex(VECTOR_SEED);

describe('client keys', () => {
  it('derives the public key and wallet id the node derives from a seed', async () => {
    for (const seed of [VECTOR_SEED, OTHER.secretKey, generateKeyPair().secretKey]) {
      const key = await keyFromSeed(toHex(seed));
      const pair = keyPairFromSeed(seed);
      expect(key.publicKeyHex).toBe(toHex(pair.publicKey));
      expect(key.walletId).toBe(walletIdFromPublicKey(toHex(pair.publicKey)));
      expect(await walletIdOf(key.publicKeyHex)).toBe(key.walletId);
      expect(key.seedHex).toBe(toHex(seed));
    }
  });

  it('generates distinct keys whose seeds re-import to the same key', async () => {
    const [a, b] = [await generateKey(), await generateKey()];
    expect(a.seedHex).not.toBe(b.seedHex);
    expect((await keyFromSeed(a.seedHex)).publicKeyHex).toBe(a.publicKeyHex);
    expect(a.walletId).toBe(walletIdFromPublicKey(a.publicKeyHex));
  });

  it('refuses a seed that is not 32 bytes of hex', async () => {
    await expect(keyFromSeed('abcd')).rejects.toThrow(/64 hex digits/);
    await expect(keyFromSeed('zz'.repeat(32))).rejects.toThrow(/64 hex digits/);
  });

  it('verifies its own signatures and refuses a tampered one', async () => {
    const key = await keyFromSeed(seedHex);
    const message = new TextEncoder().encode('tip');
    const signature = await key.sign(message);
    expect(await verifySignature(key.publicKeyHex, message, signature)).toBe(true);
    signature[0]! ^= 1;
    expect(await verifySignature(key.publicKeyHex, message, signature)).toBe(false);
  });
});

describe.each(OPERATION_TYPES.map((type) => [type]))('client signs %s byte for byte as the node', (type) => {
  it.each(variantsOf(type).map((v) => [v.name, v.op] as const))('%s', async (_name, op) => {
    const key = await keyFromSeed(seedHex);
    const nonce = 7n;
    const client = await signTransaction(key, { chainId: CHAIN_ID, nonce, op });
    const node = signTx({ chainId: CHAIN_ID, signer: key.publicKeyHex, nonce, op }, VECTOR_SEED);
    expect(toHex(client.bytes)).toBe(toHex(node.bytes));
    expect(client.hash).toBe(toHex(node.hash));
    expect(toHex(client.signature)).toBe(toHex(node.signature));
    const decoded = decodeSignedTx(client.bytes);
    expect(() => verifyTx(decoded, CHAIN_ID)).not.toThrow();
    expect(decoded.tx.op).toEqual(op);
  });
});
