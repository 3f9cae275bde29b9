/**
 * Response shapes of the dashboard's two JSON feeds, for the OpenAPI document (routes.ts). Amounts
 * and heights are decimal strings, as everywhere in the API; counts of this node's own memory
 * (capacity, length, txs per block) are JSON integers.
 */
import { RECIPIENT_TYPES } from '../../tokenomics/index.ts';
import { type JsonSchema, U64_PATTERN } from '../api/schemas.ts';

const u64 = (description: string): JsonSchema => ({ type: 'string', pattern: U64_PATTERN, description });
const decimal = (description: string): JsonSchema => ({ type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$', description });
const integer: JsonSchema = { type: 'integer', minimum: 0 };
const text: JsonSchema = { type: 'string' };
const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, nullable: true });
const object = (properties: Record<string, JsonSchema>, description?: string, optional: readonly string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
  ...(description === undefined ? {} : { description }),
});
const list = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const height = u64('A block height.');
const amount = u64('Tokens.');
const timestampMs = u64('Milliseconds since the Unix epoch.');

export const seriesResponse: JsonSchema = object({
  head_height: height,
  capacity: { ...integer, description: 'Points the node keeps.' },
  length: { ...integer, description: 'Points it holds now.' },
  backfill: object({
    state: { type: 'string', enum: ['off', 'running', 'done', 'failed'] },
    from_height: height, to_height: height, blocks: integer, ms: integer, message: text,
  }, 'The start-up backfill of past blocks; the fields after state come with done (from_height, to_height, blocks, ms) or failed (message).',
  ['from_height', 'to_height', 'blocks', 'ms', 'message']),
  burn_rate: object({
    window_blocks: u64('Blocks in the window.'), window_ms: u64('Milliseconds the window spans.'), burned: amount, minted: amount,
    burned_per_block: decimal('Tokens burned per block over the window.'), burned_per_minute: decimal('Tokens burned per minute over the window.'),
    minted_per_block: decimal('Tokens minted per block over the window.'),
  }, 'Burned and minted over the last `window` blocks.'),
  points: list(object({
    height, timestamp_ms: timestampMs, minted: u64('Tokens minted in the blocks this point stands for.'), burned: u64('Tokens burned in them.'),
    txs: integer, total_minted: amount, total_burned: amount, supply: amount, blocks: { ...integer, description: 'Blocks this point stands for.' },
  })),
  pools: list(object({ id: text, name: text, available: amount, reserved: amount, auto_replenish: nullable(object({ below: amount, up_to: amount })) })),
  schedules: list(object({
    id: text, recipient_type: { type: 'string', enum: [...RECIPIENT_TYPES] }, amount_per_interval: amount, interval_blocks: u64('Blocks.'),
    start_block: height, duration_blocks: nullable(u64('Blocks.')), pool_id: nullable(text), created_height: height, cancelled: { type: 'boolean' },
    paid_total: amount, shortfall_total: amount, last_run_height: nullable(height),
  }, 'A running schedule (state record).')),
  routes: { type: 'object', additionalProperties: { type: 'boolean' }, description: 'Which optional routes this node has (the page asks only for those).' },
}, 'Supply figures per block over time, the burn rate, and the pools and schedules at the head.');

export const recentResponse: JsonSchema = object({
  head_height: height,
  blocks: list(object({ height, hash: text, timestamp_ms: timestampMs, proposer: text, txs: integer, minted: amount, burned: amount })),
  txs: list(object({
    hash: text, height, index: integer, timestamp_ms: timestampMs, type: text, from: text, to: nullable(text), amount: nullable(amount),
    burned: u64('Tokens this transaction burned, fees included.'),
  })),
}, 'The latest blocks and transactions, newest first.');
