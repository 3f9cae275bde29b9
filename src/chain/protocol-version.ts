/**
 * The protocol version (docs/protocol.md §12): what nodes compute and say on the wire. Nodes of
 * different versions compute different state from the same blocks, so the version is in every
 * gossip topic and protocol name (they never exchange blocks or txs), in the genesis fingerprint and
 * the data dir (a node refuses to resume a chain another version made), and in `GET /v1/node`.
 *
 * 1: the chain before issue 12. 2: the transfer fee rounds up (docs/protocol.md §10), the genesis params
 * gained the list bounds (max_unbonding_entries, max_relays, max_pools, max_schedules,
 * max_deadlines_per_height), deadlines are keys of their own, meta:schedules lists running schedules.
 * 3: governance (docs/protocol.md §17): meta:params gained the gov_* record, new ops
 * (submit-proposal, deposit, vote, set-validators), new state keys, the `stakers` recipient type,
 * the `veto` burn reason and `voters` distributions; stake changes settle lazy rewards.
 * 4: the state_root is the root of the authenticated state tree over every state key (§7, §18),
 * not a hash chain over each block's writes; the block header carries the version first (§3.1).
 * 5: a pending validator set is locked within the finality depth of its activation
 * (`ValidatorSetLocked`, §17.7), so a light client can follow validator set changes (§19.1).
 * 6: an internal node of the state tree hashes its two child hashes alone, SHA-256(left ‖ right),
 * 64 bytes with no prefix byte (§18.2), so that a native SHA-256 of 64-byte blocks can compute it;
 * a leaf's preimage stays 0x00 ‖ key hash ‖ value hash. Every state root changes.
 */
export const PROTOCOL_VERSION = 6;

/** What a data dir written before the version was recorded was made by. */
export const UNRECORDED_PROTOCOL_VERSION = 1;
