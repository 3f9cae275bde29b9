/**
 * Bans by address (src/node/network/address-bans.ts): a public address is refused with its first
 * banned peer; a shared one (loopback, private ranges) only from its third distinct banned peer; a
 * mark ends with the peer's ban; IPv4-mapped IPv6 is the IPv4 address.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { AddressBans, addressIp, isSharedIp } from '../../../../src/node/network/address-bans.ts';

const at = (ip: string, port = 4001): ReturnType<typeof multiaddr> => multiaddr(`/${ip.includes(':') ? 'ip6' : 'ip4'}/${ip}/tcp/${port}`);

function bans(sharedThreshold = 3): { list: AddressBans; clock: { now: number } } {
  const clock = { now: 1_000 };
  return { list: new AddressBans({ sharedThreshold }, () => clock.now), clock };
}

describe('AddressBans', () => {
  it('refuses a public address with its first banned peer, any port, until the ban ends', () => {
    const { list, clock } = bans();
    expect(list.ban('p1', [at('203.0.113.7')], 61_000)).toEqual(['203.0.113.7']);
    expect(list.isDenied(at('203.0.113.7', 9999))).toBe(true);
    expect(list.isDenied(at('203.0.113.8'))).toBe(false);
    clock.now = 61_000;
    expect(list.isDenied(at('203.0.113.7'))).toBe(false);
  });

  it('refuses a shared address only from its third distinct banned peer', () => {
    const { list } = bans();
    for (const ip of ['127.0.0.1', '192.168.1.20', '10.0.0.3', '::1']) {
      expect(list.ban('p1', [at(ip)], 60_000)).toEqual([]);
      expect(list.ban('p1', [at(ip)], 60_000), 'the same peer twice is one').toEqual([]);
      expect(list.ban('p2', [at(ip)], 60_000)).toEqual([]);
      expect(list.isDenied(at(ip))).toBe(false);
      expect(list.ban('p3', [at(ip)], 60_000)).toEqual([ip]);
      expect(list.isDenied(at(ip))).toBe(true);
    }
  });

  it('with a threshold of 1 treats shared addresses like public ones (an operator choice; the flood suite uses it)', () => {
    const { list } = bans(1);
    list.ban('p1', [at('127.0.0.1')], 60_000);
    expect(list.isDenied(at('127.0.0.1'))).toBe(true);
  });

  it('forgets the marks of ended bans: two old and one new ban on a shared address do not refuse it', () => {
    const { list, clock } = bans();
    list.ban('p1', [at('127.0.0.1')], 10_000);
    list.ban('p2', [at('127.0.0.1')], 10_000);
    clock.now = 10_000;
    list.ban('p3', [at('127.0.0.1')], 70_000);
    expect(list.isDenied(at('127.0.0.1'))).toBe(false);
  });

  it('ignores addresses that carry no IP', () => {
    const { list } = bans(1);
    expect(list.ban('p1', [multiaddr('/dns4/example.org/tcp/4001')], 60_000)).toEqual([]);
    expect(list.isDenied(multiaddr('/dns4/example.org/tcp/4001'))).toBe(false);
  });
});

describe('addressIp and isSharedIp', () => {
  it('reads IPv4-mapped IPv6 as IPv4', () => {
    expect(addressIp(at('::ffff:203.0.113.7'))).toBe('203.0.113.7');
    expect(addressIp(at('::ffff:127.0.0.1'))).toBe('127.0.0.1');
  });

  it('tells shared ranges from public ones', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.1.1', '100.64.0.1', '::1', 'fd00::1', 'fe80::1']) expect(isSharedIp(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '172.15.0.1', '172.32.0.1', '100.128.0.1', '203.0.113.7', '2001:db8::1']) expect(isSharedIp(ip), ip).toBe(false);
  });
});
