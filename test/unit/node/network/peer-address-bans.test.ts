/**
 * A ban covers the addresses the peer was connected from (PeerManager with address-bans.ts): a
 * fresh key from there is refused inbound and not dialled, except our own bootstrap peers, which
 * the operator named (their ids can still be banned). No libp2p: a host stub with one connection.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { P2pHost } from '../../../../src/node/network/host.ts';
import { PeerManager } from '../../../../src/node/network/peer-manager.ts';

const FLOODER = '12D3KooWSJjLjG7MMLAaaR3fP5HddRq7ppECV8RdJSUCHLPYcCk8';
const BOOTSTRAP = '12D3KooWDGXoRAncXArB7f4yBctVeEWaQw3LL2NcDzovzmBz4tbt';

function manager(bootstrap: string[]): { peers: PeerManager; clock: { now: number }; aborted: string[]; bans: { count: number } } {
  const clock = { now: 1_000_000 };
  const aborted: string[] = [];
  const bans = { count: 0 };
  const connection = { remotePeer: peerIdFromString(FLOODER), remoteAddr: multiaddr('/ip4/203.0.113.9/tcp/40123'), abort: () => void aborted.push(FLOODER) };
  const host = { getConnections: () => [connection] } as unknown as P2pHost;
  const peers = new PeerManager(
    { bootstrap, targetPeers: 4, tickMs: 1_000, banMs: 60_000, dialTimeoutMs: 1_000 },
    { host, logger: pino({ level: 'silent' }), nowMs: () => clock.now, onBan: () => void bans.count++ },
  );
  return { peers, clock, aborted, bans };
}

describe('PeerManager address bans', () => {
  it('a banned peer\'s address is refused both ways, on any port, for the ban period', () => {
    const { peers, clock, aborted, bans } = manager([]);
    peers.penalize(FLOODER, 1_000, 'flood');
    expect(peers.isBanned(FLOODER)).toBe(true);
    expect(aborted).toEqual([FLOODER]);
    // dchat_peer_bans_total counts the ban once; a renewal while it is in force is not a new ban.
    peers.penalize(FLOODER, 1_000, 'flood again');
    expect(bans.count).toBe(1);
    expect(peers.isAddressDenied(multiaddr('/ip4/203.0.113.9/tcp/50000'), 'inbound')).toBe(true);
    expect(peers.isAddressDenied(multiaddr('/ip4/203.0.113.9/tcp/7600'), 'outbound')).toBe(true);
    expect(peers.isAddressDenied(multiaddr('/ip4/203.0.113.10/tcp/7600'), 'inbound')).toBe(false);
    clock.now += 60_000;
    expect(peers.isAddressDenied(multiaddr('/ip4/203.0.113.9/tcp/50000'), 'inbound')).toBe(false);
  });

  it('still dials a bootstrap peer at a refused address', () => {
    const bootstrap = `/ip4/203.0.113.9/tcp/7600/p2p/${BOOTSTRAP}`;
    const { peers } = manager([bootstrap]);
    peers.penalize(FLOODER, 1_000, 'flood');
    expect(peers.isAddressDenied(multiaddr(bootstrap), 'outbound')).toBe(false);
    expect(peers.isAddressDenied(multiaddr(bootstrap), 'inbound')).toBe(true);
  });
});
