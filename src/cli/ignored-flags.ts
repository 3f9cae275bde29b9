/**
 * Flags `dchat start` takes but a node without a p2p network (a dev node, or p2p_enabled false)
 * has no use for: said on stderr rather than silently dropped.
 */
import type { NodeConfig } from '../node/config.ts';

export interface P2pFlags {
  p2pPort?: string;
  p2pHost?: string;
  bootstrap?: string[];
  announce?: string[];
}

const P2P_FLAGS: readonly (readonly [keyof P2pFlags, string])[] = [['p2pPort', '--p2p-port'], ['p2pHost', '--p2p-host'], ['bootstrap', '--bootstrap'], ['announce', '--announce']];

/** The note to print, or null when every given flag is used. */
export function ignoredP2pFlags(flags: P2pFlags, config: Pick<NodeConfig, 'dev' | 'p2pEnabled'>): string | null {
  if (config.p2pEnabled) return null;
  const given = P2P_FLAGS.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (given.length === 0) return null;
  const why = config.dev ? 'a dev node (--dev) runs no p2p network' : 'p2p_enabled is false';
  return `note: ${given.join(', ')} ignored: ${why}; set "p2p_enabled": true in --config to run one.`;
}
