import { describe, expect, it } from 'vitest';
import { ignoredP2pFlags } from '../../../src/cli/ignored-flags.ts';

describe('p2p flags a node without a network ignores', () => {
  it('a dev node says --p2p-port (and the other p2p flags) are ignored', () => {
    expect(ignoredP2pFlags({ p2pPort: '7601' }, { dev: true, p2pEnabled: false })).toBe(
      'note: --p2p-port ignored: a dev node (--dev) runs no p2p network; set "p2p_enabled": true in --config to run one.',
    );
    expect(ignoredP2pFlags({ p2pPort: '7601', bootstrap: ['/ip4/1.2.3.4/tcp/7600'] }, { dev: false, p2pEnabled: false })).toBe(
      'note: --p2p-port, --bootstrap ignored: p2p_enabled is false; set "p2p_enabled": true in --config to run one.',
    );
  });

  it('says nothing when the flags are used or none is given', () => {
    expect(ignoredP2pFlags({ p2pPort: '7601' }, { dev: true, p2pEnabled: true })).toBeNull();
    expect(ignoredP2pFlags({}, { dev: true, p2pEnabled: false })).toBeNull();
  });
});
