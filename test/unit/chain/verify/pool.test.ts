import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { signMessage } from '../../../../src/chain/crypto.ts';
import { PublicKeyCache } from '../../../../src/chain/verify/key-cache.ts';
import { type SignatureCheck, VerifyPool } from '../../../../src/chain/verify/pool.ts';
import { DEV, USER, namedKey } from '../chain-fixture.ts';

const pools: VerifyPool[] = [];
afterAll(async () => {
  for (const pool of pools) await pool.close();
});

function pool(options: ConstructorParameters<typeof VerifyPool>[0]): VerifyPool {
  const p = new VerifyPool(options);
  pools.push(p);
  return p;
}

/** `n` checks by alternating keys; those at indexes in `bad` carry a signature over another message. */
function checks(n: number, bad: ReadonlySet<number> = new Set(), messageBytes = 32): SignatureCheck[] {
  return Array.from({ length: n }, (_, i) => {
    const key = i % 2 === 0 ? DEV : USER;
    const message = new Uint8Array(messageBytes).fill(i & 0xff);
    message[0] = i >> 8;
    const signed = bad.has(i) ? Uint8Array.from(message, (b, j) => (j === 1 ? b ^ 1 : b)) : message;
    return { publicKey: key.publicKey, message, signature: signMessage(key.secretKey, signed) };
  });
}

const expected = (n: number, bad: ReadonlySet<number>): number[] => Array.from({ length: n }, (_, i) => (bad.has(i) ? 0 : 1));

describe('verify pool (worker threads)', () => {
  it('answers one byte per check, in order, across chunks claimed by both workers', async () => {
    const bad = new Set([0, 7, 8, 31, 49]);
    const results = await pool({ threads: 2, chunk: 8 }).verify(checks(50, bad));
    expect([...results]).toEqual(expected(50, bad));
  });

  it('merges single checks arriving together into one job and answers each its own', async () => {
    const p = pool({ threads: 2, chunk: 16 });
    const all = checks(12, new Set([2, 5, 11]));
    const requests = all.map((check) => p.verify([check]));
    expect((await Promise.all(requests)).map((r) => [...r])).toEqual(expected(12, new Set([2, 5, 11])).map((v) => [v]));
    // Blocks of several checks are sent at once, alongside.
    const bad = new Set([0, 3]);
    const [many, one] = await Promise.all([p.verify(checks(5, bad)), p.verify(checks(1))]);
    expect([...many!]).toEqual(expected(5, bad));
    expect([...one!]).toEqual([1]);
  });

  it('refuses malformed keys and signatures, and checks odd-sized messages on the calling thread', async () => {
    const p = pool({ threads: 1 });
    const good = checks(3);
    const odd = checks(2, new Set([1]), 10);
    const results = await p.verify([
      { ...good[0]!, publicKey: new Uint8Array(32) },
      { ...good[1]!, signature: new Uint8Array(63) },
      good[2]!,
      ...odd,
    ]);
    expect([...results]).toEqual([0, 0, 1, 1, 0]);
  });

  it('verifies on the calling thread with 0 threads, and after close()', async () => {
    const bad = new Set([1]);
    expect([...(await pool({ threads: 0 }).verify(checks(4, bad)))]).toEqual(expected(4, bad));
    const p = new VerifyPool({ threads: 2 });
    await p.warmUp();
    await p.close();
    expect([...(await p.verify(checks(4, bad)))]).toEqual(expected(4, bad));
    expect((await p.verify([])).length).toBe(0);
  });

  it('close() while checks are in flight settles them as "not checked" (0), never hangs', async () => {
    const p = new VerifyPool({ threads: 1, chunk: 4 });
    const pending = p.verify(checks(400));
    await p.close();
    const results = await pending;
    expect(results.length).toBe(400);
    expect(results.every((r) => r === 0 || r === 1)).toBe(true);
  });

  it('a worker that cannot run: its checks come back "not checked", then the calling thread verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dchat-pool-'));
    const file = join(dir, 'broken-worker.mjs');
    writeFileSync(file, "throw new Error('this worker cannot start');\n");
    try {
      const p = pool({ threads: 2, workerUrl: pathToFileURL(file) });
      const bad = new Set([2]);
      const first = await p.verify(checks(6, bad));
      expect([...first].every((r, i) => r === 0 || (r === 1 && !bad.has(i)))).toBe(true);
      expect([...(await p.verify(checks(6, bad)))]).toEqual(expected(6, bad));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('public key cache', () => {
  it('is bounded and gives the same answers as a fresh key', () => {
    const cache = new PublicKeyCache(2);
    const keys = [DEV, USER, namedKey(40), namedKey(41)];
    const message = new Uint8Array(32).fill(9);
    for (let round = 0; round < 3; round++) {
      for (const key of keys) {
        const signature = signMessage(key.secretKey, message);
        expect(cache.verify(key.publicKey, message, signature)).toBe(true);
        expect(cache.verify(key.publicKey, new Uint8Array(32), signature)).toBe(false);
      }
      expect(cache.size).toBe(2);
    }
  });
});
