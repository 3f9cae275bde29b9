/**
 * The in-house UUIDv5 must be exactly the `uuid` package's v5 (the reference implementation the
 * ids were first computed with): any difference would change every id and every state root.
 */
import fc from 'fast-check';
import { parse, v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { DCHAT_NAMESPACE } from '../../../src/tokenomics/ids.ts';
import { formatUuid, uuidBytes, uuidV5 } from '../../../src/tokenomics/uuid-v5.ts';

describe('uuidV5', () => {
  it('matches the uuid package for the RFC example and the dchat namespace', () => {
    const dns = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(uuidV5('www.example.com', uuidBytes(dns))).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(uuidV5('system:treasury', uuidBytes(DCHAT_NAMESPACE))).toBe(v5('system:treasury', DCHAT_NAMESPACE));
  });

  it('matches the uuid package for any string (UTF-8) and any bytes', () => {
    const ns = uuidBytes(DCHAT_NAMESPACE);
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (name) => uuidV5(name, ns) === v5(name, DCHAT_NAMESPACE)));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (name) => uuidV5(name, ns) === v5(name, DCHAT_NAMESPACE)));
  });

  it('parses a namespace to the same 16 bytes as the uuid package and refuses what is not a UUID', () => {
    expect([...uuidBytes(DCHAT_NAMESPACE)]).toEqual([...parse(DCHAT_NAMESPACE)]);
    expect(() => uuidBytes('not-a-uuid')).toThrow(TypeError);
    expect(() => uuidBytes(DCHAT_NAMESPACE.toUpperCase())).toThrow(TypeError);
  });
});

describe('formatUuid', () => {
  it('writes 16 bytes as the canonical lowercase text, the inverse of uuidBytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const text = formatUuid(bytes);
      expect(text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect([...uuidBytes(text)]).toEqual([...bytes]);
    }));
  });
});
