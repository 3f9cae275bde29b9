/** Whether an address or a host name stays on this machine (docs/protocol.md §16: the API is on 127.0.0.1 unless configured otherwise). */
import { isIP } from 'node:net';

/** A socket address on loopback: 127.0.0.0/8, ::1, or IPv4-mapped 127.x. Undefined (no socket, as in inject) counts as local. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'));
}

/** A configured listen host that binds loopback only (`localhost` included); `0.0.0.0`, `::` or a public address do not. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}
