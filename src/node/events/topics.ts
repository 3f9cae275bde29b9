/**
 * The topics a client of GET /v1/events subscribes to (docs/protocol.md §16.1): `blocks`, `txs`,
 * `proposals`, `account:<wallet id>` and `pool:<pool id>`, comma-separated, at most
 * MAX_TOPICS. Parsed once per stream into sets, so matching a block's writes costs one lookup per
 * written key whatever number of ids the client named.
 */
import { isUuid } from '../../tokenomics/index.ts';
import { ApiError } from '../http/errors.ts';

export const MAX_TOPICS = 32;

export interface Topics {
  readonly blocks: boolean;
  readonly txs: boolean;
  readonly proposals: boolean;
  readonly accounts: ReadonlySet<string>;
  readonly pools: ReadonlySet<string>;
}

const refuse = (message: string): never => {
  throw new ApiError('BadRequest', message);
};

export function parseTopics(text: string | undefined): Topics {
  const names = (text ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (names.length === 0) refuse('Name at least one topic: topics=blocks,txs,proposals,account:<wallet id>,pool:<pool id>.');
  if (names.length > MAX_TOPICS) refuse(`A stream takes at most ${MAX_TOPICS} topics; ${names.length} were named.`);
  const accounts = new Set<string>();
  const pools = new Set<string>();
  const flags = { blocks: false, txs: false, proposals: false };
  for (const name of names) {
    if (name === 'blocks' || name === 'txs' || name === 'proposals') {
      flags[name] = true;
      continue;
    }
    const [kind, id, ...rest] = name.split(':');
    const target = kind === 'account' ? accounts : kind === 'pool' ? pools : null;
    if (target === null || id === undefined || rest.length > 0) {
      refuse(`"${name}" is not a topic: use blocks, txs, proposals, account:<wallet id> or pool:<pool id>.`);
    }
    const lower = id!.toLowerCase();
    if (!isUuid(lower)) refuse(`"${id}" in "${name}" is not a UUID.`);
    target!.add(lower);
  }
  return { ...flags, accounts, pools };
}
