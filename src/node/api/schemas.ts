/**
 * JSON schemas of the API: the input schemas fastify validates (params, querystring) before a
 * handler runs, and the response shapes the OpenAPI document describes. One file, so a field
 * renamed in a view is renamed in its description too.
 */
import { BURN_REASONS, MINT_REASONS, RECIPIENT_TYPES, SYSTEM_ACCOUNTS } from '../../tokenomics/index.ts';

export type JsonSchema = Record<string, unknown>;

const UUID_BODY = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID = `^${UUID_BODY}$`;
/** A u64 as decimal digits: amounts and heights travel as strings so no client rounds them. */
export const U64_PATTERN = '^[0-9]{1,20}$';

export const amount: JsonSchema = { type: 'string', pattern: U64_PATTERN, description: 'A whole number of tokens as a decimal string (u64).' };
export const height: JsonSchema = { type: 'string', pattern: U64_PATTERN, description: 'A block height as a decimal string.' };
/** A count, number of blocks, nonce or basis points: a u64 that is no amount of tokens. */
export const u64 = (description: string): JsonSchema => ({ type: 'string', pattern: U64_PATTERN, description: `${description} (a u64 as a decimal string).` });
const timestampMs: JsonSchema = u64('Milliseconds since the Unix epoch');
export const blocks: JsonSchema = u64('A number of blocks');
export const bps: JsonSchema = u64('Basis points (1/10,000)');
const slot: JsonSchema = u64('A slot: block_time_ms periods since the genesis time');
export const uuid: JsonSchema = { type: 'string', pattern: UUID, description: 'A UUID.' };
export const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, nullable: true });
export const hex = (bytes: number, description: string): JsonSchema => ({ type: 'string', pattern: `^[0-9a-fA-F]{${bytes * 2}}$`, description });
export const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...(description === undefined ? {} : { description }),
});
export const list = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

// ---- inputs ---------------------------------------------------------------------------------

export const params = {
  uuid: { type: 'object', required: ['id'], properties: { id: uuid } },
  account: {
    type: 'object',
    required: ['id'],
    properties: {
      id: {
        type: 'string',
        pattern: `^(${UUID_BODY}|${SYSTEM_ACCOUNTS.join('|')})$`,
        description: `A wallet UUID or a system account name (${SYSTEM_ACCOUNTS.join(', ')}).`,
      },
    },
  },
  height: { type: 'object', required: ['height'], properties: { height } },
  hash: { type: 'object', required: ['hash'], properties: { hash: hex(32, 'A transaction hash (SHA-256, hex).') } },
} satisfies Record<string, JsonSchema>;

const limit: JsonSchema = { type: 'integer', minimum: 1, maximum: 1000, default: 20, description: 'At most this many events, newest first.' };
const beforeHeight: JsonSchema = { ...height, description: 'Only events of blocks strictly below this height (paging backwards).' };

/** A history page's continuation: `<height>.<index>` of the last event of the page before (header x-next-cursor). */
export const HISTORY_CURSOR_PATTERN = '^[0-9]{1,20}\\.[0-9]{1,10}$';
const historyCursor: JsonSchema = {
  type: 'string', pattern: HISTORY_CURSOR_PATTERN,
  description: 'Continue after the page whose response carried this value in its x-next-cursor header (absent: the newest events).',
};

function historyQuery(reasons: readonly string[], what: string, accountIs: string): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit, reason: { type: 'string', enum: [...reasons], description: what }, before_height: beforeHeight,
      account: { ...params.account.properties.id, description: `Only events of this account or pool (${accountIs}); read from an index, as reason is.` },
      cursor: historyCursor,
    },
  };
}

/** `limit` and `cursor` of every list route (paging.ts): a page's cost is bounded by its limit. */
export const pageProperties = (what: string): Record<string, JsonSchema> => ({
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: `At most this many ${what} (a full page carries x-next-cursor).` },
  cursor: { type: 'string', maxLength: 80, description: 'Continue after the page whose response carried this value in its x-next-cursor header.' },
});
const page = (what: string): JsonSchema => ({ type: 'object', additionalProperties: false, properties: pageProperties(what) });
export const scanned = 'A filter on a changing field examines at most 5,000 items per page: a page may hold fewer than limit items and still carry x-next-cursor.';

export const query = {
  listings: {
    type: 'object',
    additionalProperties: false,
    description: scanned,
    properties: {
      status: { type: 'string', enum: ['active', 'sold-out', 'cancelled'], description: `Only listings in this state. ${scanned}` },
      seller: { ...uuid, description: 'Only this seller\'s listings.' },
      ...pageProperties('listings'),
    },
  },
  purchases: {
    type: 'object',
    additionalProperties: false,
    properties: {
      buyer: uuid, seller: uuid,
      status: { type: 'string', enum: ['escrowed', 'confirmed', 'refunded', 'disputed', 'resolved', 'timed-out'], description: `Only purchases in this state. ${scanned}` },
      ...pageProperties('purchases'),
    },
  },
  pools: page('pools'),
  allocations: page('allocations, oldest first'),
  listingPurchases: page('purchases of the listing, newest first'),
  schedules: page('schedules'),
  relays: page('relays'),
  evidence: page('equivocations'),
  mints: historyQuery(MINT_REASONS, 'Only mints with this reason.', 'the recipient, or the pool minted into'),
  burns: historyQuery(BURN_REASONS, 'Only burns with this reason.', 'the burner'),
  distributions: historyQuery([...RECIPIENT_TYPES, 'auto-replenish', 'voters'], 'Only payouts to this recipient type.', 'the recipient or pool credited'),
  proofHeight: {
    type: 'object',
    additionalProperties: false,
    properties: { height: { ...height, description: 'Prove at this height (default: the last final height).' } },
  },
  validatorSets: {
    type: 'object',
    additionalProperties: false,
    properties: {
      after: { ...height, description: 'Only sets activated above this height (default 0: every change after genesis).' },
      limit: { type: 'integer', minimum: 1, maximum: 16, default: 16, description: 'Changes per answer (at most 16).' },
    },
  },
  stateProof: {
    type: 'object',
    additionalProperties: false,
    required: ['key'],
    properties: {
      key: { type: 'string', pattern: '^([0-9a-fA-F]{2}){1,256}$', description: 'The state key\'s bytes (docs/protocol.md §8.1), hex.' },
      height: { ...height, description: 'Prove at this height (default: the last final height).' },
    },
  },
  projection: {
    type: 'object',
    additionalProperties: false,
    properties: {
      blocks: { ...height, description: 'Project this many blocks past the head (or use years); at most 1,000 inflation years of blocks (400 past that).' },
      years: { type: 'integer', minimum: 1, maximum: 1000, description: 'Project this many inflation years of blocks_per_year blocks (default 1).' },
      burn_per_block: { ...amount, default: '0', description: 'Tokens assumed burned in every block (fees and the like).' },
      points: { type: 'integer', minimum: 1, maximum: 1000, default: 12, description: 'Sample points to return, spread evenly (at most 1,000). Answers are cached per head block and computed off the event loop; 503 Overloaded while 8 are being computed.' },
    },
  },
} satisfies Record<string, JsonSchema>;

// ---- responses (OpenAPI components) ---------------------------------------------------------

const validator = object({ public_key: hex(32, 'The validator\'s ed25519 key.'), reward_wallet: uuid }, 'A validator of the set in force at the head.');
/** What a state proof answer holds (docs/protocol.md §19). */
const stateProofFields: Record<string, JsonSchema> = {
  key: { type: 'string', description: 'The state key (ASCII).' }, height,
  value: nullable({ type: 'object', description: 'The value decoded (null: absent, or a key of no known kind).' }),
  value_hex: nullable({ type: 'string', description: 'The value\'s canonical bytes (docs/protocol.md §8), hex; null: absent.' }),
  proof: { type: 'string', description: 'The proof of presence or absence (docs/protocol.md §18.4), hex.' },
  header: { $ref: '#/components/schemas/Header' },
};

export const components: Record<string, JsonSchema> = {
  Error: object({ code: { type: 'string' }, message: { type: 'string' } }, 'Every error: a stable code and a sentence.'),
  Node: {
    type: 'object',
    description: 'Node identity and head.',
    properties: {
      chain_id: { type: 'string' }, dev: { type: 'boolean' },
      validator: { type: 'boolean', description: 'This node holds a validator key that is in the set in force for the next block (else it follows).' },
      head_height: height,
      earliest_height: { ...height, description: 'The earliest block this node holds besides genesis: the genesis height for an archive node, the snapshot block of a restored one, the first kept by pruning (docs/protocol.md §20.5–20.6).' },
      head_hash: hex(32, 'Head block hash.'), state_root: hex(32, 'Head state root.'), block_time_ms: u64('Milliseconds per slot'),
      mempool_size: { type: 'integer' }, halted: nullable({ type: 'string' }),
      halted_detail: nullable(object({
        kind: { type: 'string', enum: ['invariant', 'steps', 'store', 'production'] }, reason: { type: 'string' },
        permanent: { type: 'boolean', description: 'Production stopped for good (invariant, steps); otherwise it keeps trying and resumes by itself.' },
        since_ms: timestampMs, since_slot: slot, missed_slots: { type: 'integer' }, failed_productions: { type: 'integer' },
      }, 'Why this validator is not producing (stopped for good, or three own slots missed in a row); null while it produces.')),
      validators: list(validator),
      pending_validators: nullable(object({
        validators: list(validator),
        activation_height: { ...height, description: 'The first block this set makes: from it on it proposes and counts for finality.' },
      }, 'The validator set waiting for its activation height (docs/protocol.md §17.7); null when none.')),
      system_accounts: { type: 'object', additionalProperties: uuid },
      peer_id: nullable({ type: 'string', description: 'This node\'s libp2p peer id; null with the network off (dev).' }),
      p2p_addresses: list({ type: 'string', description: 'A multiaddr this node listens on.' }),
      dev_wallet: { ...uuid, description: 'Dev nodes only: the funded dev wallet.' },
      protocol_version: { type: 'integer', description: 'What this node computes and speaks (docs/protocol.md §12).' },
      version: { type: 'string', description: 'The dchat software version (package.json; `dchat --version`).' },
    },
  },
  Stats: object({
    height, head_height: height, circulating_supply: amount, total_minted: amount, total_burned: amount, effective_supply: amount,
    max_supply: nullable(amount), issued_bps: nullable(bps), inflation_rate_bps: bps, burn_rate_bps: bps, annual_provision: amount,
    total_pool_liquidity: amount, pool_count: { type: 'integer' }, reserve_balance: amount,
  }, 'The supply figures of docs/protocol.md §13.8.'),
  Account: object({
    id: uuid, name: nullable({ type: 'string', description: 'The system account name, if it is one.' }), balance: amount, staked: amount,
    unbonding: list(object({ amount, deadline: height })), unbonding_total: amount, pending_rewards: amount,
    claimable_rewards: { ...amount, description: 'What claim-rewards would move to the balance now: pending_rewards plus the unsettled staker and voter shares, computed exactly (docs/protocol.md §17.6).' },
    total_assets: amount,
    nonce: u64('Transactions this account has signed'), next_nonce: u64('The nonce the next transaction of this wallet must carry (counts its pending transactions)'),
  }),
  Pool: object({
    id: uuid, name: { type: 'string' }, total: amount, available: amount, reserved: amount, operator: nullable(uuid),
    auto_replenish: nullable(object({ below: amount, up_to: amount })), created_height: height, created_at_ms: timestampMs,
    last_replenish_height: height, pending_allocations: { type: 'integer' },
  }),
  Allocation: object({
    id: uuid, pool_id: uuid, amount, recipient: uuid, created_height: height, deadline: height,
    status: { type: 'string', enum: ['pending', 'released', 'cancelled', 'expired'] }, closed_height: nullable(height),
  }),
  Schedule: object({
    id: uuid, recipient_type: { type: 'string', enum: [...RECIPIENT_TYPES] }, amount_per_interval: amount, interval_blocks: blocks,
    start_block: height, duration_blocks: nullable(blocks), pool_id: nullable(uuid), created_height: height, cancelled: { type: 'boolean' },
    paid_total: amount, shortfall_total: amount, last_run_height: nullable(height), next_run_height: nullable(height),
  }),
  MintEvent: object({
    kind: { type: 'string', enum: ['mint'] }, id: uuid, amount, reason: { type: 'string', enum: [...MINT_REASONS] }, recipient: nullable(uuid),
    pool_id: nullable(uuid), height, timestamp_ms: timestampMs, tx_hash: nullable(hex(32, 'The tx that caused it.')),
  }),
  BurnEvent: object({
    kind: { type: 'string', enum: ['burn'] }, id: uuid, amount, reason: { type: 'string', enum: [...BURN_REASONS] }, burner: uuid,
    height, timestamp_ms: timestampMs, tx_hash: nullable(hex(32, 'The tx that caused it.')),
  }),
  DistributionEvent: object({
    kind: { type: 'string', enum: ['distribution'] }, id: uuid, schedule_id: nullable(uuid),
    recipient_type: { type: 'string', enum: [...RECIPIENT_TYPES, 'auto-replenish', 'voters'] }, recipient: uuid, amount, height, timestamp_ms: timestampMs,
    tx_hash: nullable(hex(32, 'The tx that caused it.')),
  }),
  Block: {
    type: 'object',
    properties: {
      hash: hex(32, 'Block hash.'), protocol_version: { ...height, description: 'The protocol version the block was made by (docs/protocol.md §3.1, §12).' },
      chain_id: { type: 'string' }, height, slot, parent_hash: hex(32, 'Parent hash.'), timestamp_ms: timestampMs,
      proposer: hex(32, 'Proposer public key.'), tx_root: hex(32, 'tx root.'), state_root: hex(32, 'State root: the state tree\'s root (docs/protocol.md §7, §18).'), signature: hex(64, 'Proposer signature.'),
      txs: list({ $ref: '#/components/schemas/SignedTx' }),
      events: { $ref: '#/components/schemas/BlockEvents' },
    },
  },
  SignedTx: object({
    hash: hex(32, 'The tx hash.'), chain_id: { type: 'string' }, signer: hex(32, 'The signer\'s public key.'), nonce: u64('The signer\'s nonce'),
    op: {
      type: 'object', required: ['type'], additionalProperties: true, properties: { type: { type: 'string', description: 'The operation (docs/protocol.md §2.4).' } },
      description: 'The operation: its type and its payload fields (docs/protocol.md §2.4), snake_case, amounts as decimal strings.',
    },
    signature: hex(64, 'The ed25519 signature of the tx hash.'),
  }, 'A signed transaction (docs/protocol.md §2.2), decoded.'),
  Header: object({
    hash: hex(32, 'Block hash: SHA-256 of the header encoding (docs/protocol.md §3.1).'), protocol_version: { ...height, description: 'The protocol version the block was made by (docs/protocol.md §12).' }, chain_id: { type: 'string' }, height, slot: height,
    parent_hash: hex(32, 'Parent hash.'), timestamp_ms: height, proposer: hex(32, 'Proposer public key.'), tx_root: hex(32, 'tx root.'),
    state_root: hex(32, 'State root: the state tree\'s root (docs/protocol.md §7, §18).'), signature: hex(64, 'The proposer\'s ed25519 signature of the hash.'),
  }, 'A block header with its signature and hash.'),
  StateProof: object(stateProofFields, 'A state value proven against a header\'s state_root; check the header with GET /v1/light/finality.'),
  AccountProof: object({ id: { ...uuid, description: 'The account (a system account\'s name resolved to its id).' }, ...stateProofFields }, 'An account\'s record proven against a header\'s state_root (absent: a proof of absence).'),
  FinalityProof: object({
    height, final_height: { ...height, description: 'The node\'s last final height.' },
    headers: list({ $ref: '#/components/schemas/Header' }),
  }, 'The headers from a block up to the first above which blocks from more than 2/3 of the validators are built (docs/protocol.md §19).'),
  Snapshots: object({
    snapshots: list(object({
      height, block_hash: hex(32, 'The snapshot block\'s hash.'), state_root: hex(32, 'Its state_root, which the chunks combine to.'),
      depth: { type: 'integer', minimum: 0, maximum: 16, description: 'The chunks are the state tree\'s 2^depth subtrees (docs/protocol.md §20.2).' },
      chunks: { type: 'integer' }, pairs: u64('State pairs in all chunks'), bytes: u64('Bytes of all chunks'),
    })),
  }, 'The final state snapshots this node holds and serves (docs/protocol.md §20), newest first.'),
  ValidatorSetChanges: object({
    changes: list(object({
      activation_height: { ...height, description: 'The first block the set proposes.' },
      anchor_height: { ...height, description: 'activation_height − (2n + 1), n the previous set\'s size: the block whose state fixes the set (docs/protocol.md §19.1).' },
      validators: list(validator),
      pending_value_hex: { type: 'string', description: 'The canonical bytes of meta:pending-validators in the anchor\'s state (docs/protocol.md §17.8), hex.' },
      proof: { type: 'string', description: 'Its proof under the anchor\'s state_root (docs/protocol.md §18.4), hex.' },
      headers: list({ $ref: '#/components/schemas/Header' }),
    })),
    next_after: nullable({ ...height, description: 'Ask again with after= this to read on; null: no more changes.' }),
  }, 'Validator sets put in force, oldest first, each with the headers that make its anchor final under the previous set (docs/protocol.md §19.1).'),
  BlockEvents: object({
    mints: list({ $ref: '#/components/schemas/MintEvent' }),
    burns: list({ $ref: '#/components/schemas/BurnEvent' }),
    distributions: list({ $ref: '#/components/schemas/DistributionEvent' }),
  }, 'What a block (or one transaction of it) minted, burned and paid out, oldest first.'),
  Listing: object({
    id: uuid, seller: uuid, title: { type: 'string' }, price: amount, quantity: u64('Units still for sale'), sold: u64('Units sold'),
    status: { type: 'string', enum: ['active', 'sold-out', 'cancelled'] }, created_height: height,
  }),
  Purchase: object({
    id: uuid, listing_id: uuid, buyer: uuid, seller: uuid, quantity: u64('Units bought'), amount: { ...amount, description: 'price * quantity, held in escrow.' },
    status: { type: 'string', enum: ['escrowed', 'confirmed', 'refunded', 'disputed', 'resolved', 'timed-out'] }, created_height: height,
    deadline: height, closed_height: nullable(height),
  }),
  Relay: object({ id: uuid, staked: amount, eligible: { type: 'boolean', description: 'Stake at least relay_min_stake: shares relay payouts.' } }),
  Equivocation: object({
    slot, proposer: hex(32, 'The validator key that signed both.'),
    first: { type: 'object', description: 'The header seen first (kept).' }, second: { type: 'object', description: 'The later header (ignored).' },
  }, 'Two different blocks signed by one validator for one slot (docs/protocol.md §14.2).'),
  TxAccepted: object({ hash: hex(32, 'The tx hash.'), status: { type: 'string', enum: ['pending'] } }),
  TxBatchResult: object({
    accepted: { type: 'integer', description: 'How many of the batch entered the mempool.' },
    results: {
      type: 'array',
      description: 'One per tx, in the order sent.',
      items: {
        type: 'object',
        required: ['index', 'hash', 'status'],
        properties: {
          index: { type: 'integer' }, hash: nullable({ type: 'string', description: 'Null when the bytes did not decode.' }),
          status: { type: 'string', enum: ['pending', 'rejected'] }, code: { type: 'string' }, message: { type: 'string' },
        },
      },
    },
  }),
  TxStatus: {
    type: 'object',
    required: ['hash', 'status'],
    properties: {
      hash: hex(32, 'The tx hash.'), status: { type: 'string', enum: ['pending', 'included', 'rejected'] },
      height: { ...height, description: 'When included.' }, index: { type: 'integer', description: 'Position in its block, when included.' },
      code: { type: 'string', description: 'Why it was rejected.' }, message: { type: 'string' },
      events: { $ref: '#/components/schemas/BlockEvents' },
    },
  },
  ProjectionPoint: object({
    height, blocks_ahead: blocks, total_supply: amount, total_minted: amount, total_burned: amount, minted: amount, burned: amount,
    annual_provision: amount, reserve: amount, scheduled_paid: amount, schedule_shortfall: amount,
  }),
  Projection: object({
    from_height: height, to_height: height, burn_per_block: amount, blocks_per_year: blocks,
    start: { $ref: '#/components/schemas/ProjectionPoint' }, points: list({ $ref: '#/components/schemas/ProjectionPoint' }),
    years: list(object({ year: u64('The inflation year, 0 the first'), first_height: height, last_height: height, annual_provision: amount })),
    cap_reached_at: nullable(height),
  }, 'docs/protocol.md §13.1 projection: supply, minted, burned, reserve and schedule figures, exact for any number of points.'),
};

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const listOf = (name: string): JsonSchema => list(ref(name));
