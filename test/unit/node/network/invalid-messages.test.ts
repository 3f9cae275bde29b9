/**
 * Invalid gossip messages ban a peer on the spot, by the same rule as gossipsub's P4 penalty
 * (-10 x count^2, the count decaying by 3 % a second, the line at -80): three in a short while ban,
 * two do not, and three spread out over time do not either. No libp2p here: a host that has no
 * connections is enough for the peer manager's bookkeeping.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PeerManager } from '../../../../src/node/network/peer-manager.ts';
import type { P2pHost } from '../../../../src/node/network/host.ts';

const PEER = '12D3KooWSJjLjG7MMLAaaR3fP5HddRq7ppECV8RdJSUCHLPYcCk8';

function manager(): { peers: PeerManager; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  const host = { getConnections: () => [] } as unknown as P2pHost;
  const peers = new PeerManager(
    { bootstrap: [], targetPeers: 4, tickMs: 1_000, banMs: 60_000, dialTimeoutMs: 1_000 },
    { host, logger: pino({ level: 'silent' }), nowMs: () => clock.now },
  );
  return { peers, clock };
}

describe('PeerManager.invalidMessage', () => {
  it('bans at the third invalid message in a short while, not at the second', () => {
    const { peers, clock } = manager();
    peers.invalidMessage(PEER);
    clock.now += 100;
    peers.invalidMessage(PEER);
    expect(peers.isBanned(PEER)).toBe(false);
    clock.now += 100;
    peers.invalidMessage(PEER);
    expect(peers.isBanned(PEER)).toBe(true);
    expect(peers.isDenied(PEER)).toBe(true);
  });

  it('lets the count decay: three invalid messages a minute apart ban nobody', () => {
    const { peers, clock } = manager();
    for (let i = 0; i < 3; i++) {
      peers.invalidMessage(PEER);
      clock.now += 60_000;
    }
    expect(peers.isBanned(PEER)).toBe(false);
  });

  it('the ban ends after banMs', () => {
    const { peers, clock } = manager();
    for (let i = 0; i < 3; i++) peers.invalidMessage(PEER);
    clock.now += 60_001;
    expect(peers.isDenied(PEER)).toBe(false);
  });
});
