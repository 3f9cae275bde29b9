/**
 * Bans by address (IP) as well as by peer id: a banned peer that comes back with a fresh key from
 * the same address is refused by the connection gater before the encryption handshake (host.ts).
 *
 * Which addresses: a public address is refused as soon as one peer banned from it is (a fresh key
 * costs nothing; an address does). A shared address (loopback: this machine; private, CGNAT and
 * link-local ranges: a LAN, containers or a NAT, where every peer behind it shows one address) is
 * refused only once `sharedThreshold` distinct peers from it were banned within their ban period,
 * so one bad container, or a flooder among a local testnet's nodes (which all share 127.0.0.1), does
 * not cut off its honest neighbours, while a flooder that keeps rotating keys is still stopped at
 * its `sharedThreshold`-th key. Each peer's mark on an address ends with that peer's ban.
 * Bounded: at most `maxAddresses` addresses are remembered (the oldest forgotten first).
 */
import type { Multiaddr } from '@multiformats/multiaddr';

export interface AddressBanOptions {
  /** Distinct banned peers from one shared address before the address itself is refused. */
  readonly sharedThreshold: number;
  readonly maxAddresses?: number;
}

export const DEFAULT_SHARED_ADDRESS_BAN_THRESHOLD = 3;

/** The IP of an /ip4 or /ip6 multiaddr, normalized (IPv4-mapped IPv6 as IPv4); null for anything else. */
export function addressIp(address: Multiaddr): string | null {
  const first = address.protoNames()[0];
  if (first !== 'ip4' && first !== 'ip6') return null;
  const host = address.toOptions().host.toLowerCase();
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped !== null) {
    const hi = Number.parseInt(mapped[1]!, 16);
    const lo = Number.parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return host;
}

/** Loopback, private (RFC 1918, RFC 4193), CGNAT (RFC 6598) and link-local addresses: shared by many peers. */
export function isSharedIp(ip: string): boolean {
  if (ip.includes(':')) return ip === '::1' || /^f[cd][0-9a-f]{0,2}:/.test(ip) || /^fe[89ab][0-9a-f]?:/.test(ip);
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

export class AddressBans {
  private readonly options: Required<AddressBanOptions>;
  private readonly nowMs: () => number;
  /** ip -> banned peer id -> end of its ban. */
  private readonly marks = new Map<string, Map<string, number>>();

  constructor(options: AddressBanOptions, nowMs: () => number) {
    this.options = { maxAddresses: 4_096, ...options };
    this.nowMs = nowMs;
  }

  /** Marks the addresses `peerId` was connected from, until `untilMs`. Returns the IPs this made refused. */
  ban(peerId: string, addresses: readonly Multiaddr[], untilMs: number): string[] {
    const refused: string[] = [];
    for (const address of addresses) {
      const ip = addressIp(address);
      if (ip === null) continue;
      const wasDenied = this.isDeniedIp(ip);
      const peers = this.marks.get(ip) ?? new Map<string, number>();
      this.marks.delete(ip);
      peers.set(peerId, Math.max(untilMs, peers.get(peerId) ?? 0));
      this.marks.set(ip, peers);
      if (this.marks.size > this.options.maxAddresses) this.marks.delete(this.marks.keys().next().value!);
      if (!wasDenied && this.isDeniedIp(ip)) refused.push(ip);
    }
    return refused;
  }

  /** The connection gater's question for an address (inbound connection, or a dial). */
  isDenied(address: Multiaddr): boolean {
    const ip = addressIp(address);
    return ip !== null && this.isDeniedIp(ip);
  }

  private isDeniedIp(ip: string): boolean {
    const peers = this.marks.get(ip);
    if (peers === undefined) return false;
    const now = this.nowMs();
    for (const [peer, until] of peers) if (until <= now) peers.delete(peer);
    if (peers.size === 0) {
      this.marks.delete(ip);
      return false;
    }
    return peers.size >= (isSharedIp(ip) ? this.options.sharedThreshold : 1);
  }
}
