/**
 * The verdict of a gossiped block is the one decided where its reason was found (block-error.ts):
 * a provably invalid block is REJECTed and its sender reported; a failure of our own (our state
 * broken: an InvariantViolation during import) is IGNOREd and never blamed on the sender; a known
 * block is IGNOREd; a wrong proposer is REJECTed on the head, IGNOREd off it (another branch may have
 * another validator set in force). No libp2p: a pubsub that only holds the topic validators is enough.
 */
import type { PeerId } from '@libp2p/interface';
import { TopicValidatorResult } from '@libp2p/interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chain } from '../../../../src/chain/chain.ts';
import { produceBlock } from '../../../../src/chain/block-production.ts';
import { type Block, sealBlock } from '../../../../src/chain/codec/block.ts';
import { proposerFor } from '../../../../src/chain/poa.ts';
import { createLogger } from '../../../../src/node/logger.ts';
import { Gossip } from '../../../../src/node/network/gossip.ts';
import type { Pubsub } from '../../../../src/node/network/host.ts';
import { protocolNames } from '../../../../src/node/network/protocols.ts';
import type { SlotClock } from '../../../../src/node/slot-clock.ts';
import { META_HEAD } from '../../../../src/tokenomics/index.ts';
import { DEV, USER, VALIDATORS, signed } from '../../chain/chain-fixture.ts';
import { tempChains } from '../../chain/temp-chains.ts';

const logger = createLogger('silent', false);
const FAR = 1_000_000n;
const PEER = { toString: () => '12D3KooWSJjLjG7MMLAaaR3fP5HddRq7ppECV8RdJSUCHLPYcCk8' } as unknown as PeerId;
const names = protocolNames('dchat-test');
const temp = tempChains('gossip');
const openChain = (): Promise<Chain> => temp.open(1);

type Validate = (peer: PeerId, msg: { data: Uint8Array }) => Promise<TopicValidatorResult>;

/** A Gossip on `chain` with a pubsub stand-in: returns the blocks topic's validator and the peers reported. */
function gossipOn(chain: Chain): { validate: Validate; rejected: string[]; gossip: Gossip } {
  const topicValidators = new Map<string, Validate>();
  const pubsub = { topicValidators, subscribe: () => undefined, publish: async () => ({ recipients: [] }) } as unknown as Pubsub;
  const clock = { nowMs: () => 0n, currentSlot: () => FAR, msUntilSlot: () => 0 } as unknown as SlotClock;
  const rejected: string[] = [];
  const gossip = new Gossip({ pubsub, chain, clock, names, logger, onUnknownParent: () => undefined, onRejected: (from) => rejected.push(from.toString()) });
  gossip.start();
  return { validate: topicValidators.get(names.blocksTopic)!, rejected, gossip };
}

let block: Block;
const proposer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };

beforeAll(async () => {
  const source = await openChain();
  await source.submitTx(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 10n }).bytes);
  block = await source.produce(1n, proposer);
});

afterAll(() => temp.closeAll());

describe('gossip block verdicts', () => {
  it('accepts a valid block, then ignores it as known', async () => {
    const { validate, rejected, gossip } = gossipOn(await openChain());
    expect(await validate(PEER, { data: block.bytes })).toBe(TopicValidatorResult.Accept);
    expect(await validate(PEER, { data: block.bytes })).toBe(TopicValidatorResult.Ignore);
    expect(gossip.counts.blocks).toEqual({ accept: 1, ignore: 1, reject: 0 });
    expect(rejected).toEqual([]);
  });

  it('rejects a properly signed block whose state root is wrong, and reports its sender', async () => {
    const { validate, rejected } = gossipOn(await openChain());
    const forged = sealBlock({ ...block.header, stateRoot: new Uint8Array(32).fill(7) }, block.txs, proposer.secretKey);
    expect(await validate(PEER, { data: forged.bytes })).toBe(TopicValidatorResult.Reject);
    expect(rejected).toEqual([PEER.toString()]);
  });

  it('never penalizes the sender for our own failure: an InvariantViolation during import is IGNOREd', async () => {
    const chain = await openChain();
    // This node's state is broken (its own bug): the head record is gone.
    chain.state.commit(new Map([[META_HEAD, null]]));
    const { validate, rejected, gossip } = gossipOn(chain);
    expect(await validate(PEER, { data: block.bytes })).toBe(TopicValidatorResult.Ignore);
    expect(rejected).toEqual([]);
    expect(gossip.counts.blocks).toEqual({ accept: 0, ignore: 1, reject: 0 });
    await expect(chain.importBlock(block, FAR)).rejects.toMatchObject({ code: 'InvariantViolation' });
  });
});

describe('gossip checks the proposer against the schedule of the head (docs/protocol.md §14.2)', () => {
  /** The block of `slot` on `chain`'s head, signed by the validator at `offset` past the slot's own (0: the right one). */
  const blockOn = async (chain: Chain, slot: bigint, offset: number): Promise<Block> => {
    const validators = chain.validatorsFor(chain.head.header.height + 1n);
    const own = validators.indexOf(proposerFor(slot, validators));
    const key = VALIDATORS.find((k) => k.hex === validators[(own + offset) % validators.length]!.publicKey)!;
    return (await produceBlock(chain.headParent(), chain.params, slot, { publicKey: key.hex, secretKey: key.secretKey }, [])).block;
  };

  it('rejects a block on the head by the wrong proposer, and ignores one off the head without blaming its sender', async () => {
    const genesis = await temp.open(3);
    const chain = await temp.open(3);
    const b1 = (await blockOn(chain, 1n, 0));
    await chain.importBlock(b1, FAR);
    const { validate, rejected, gossip } = gossipOn(chain);
    expect(await validate(PEER, { data: (await blockOn(chain, 2n, 1)).bytes })).toBe(TopicValidatorResult.Reject);
    expect(rejected).toEqual([PEER.toString()]);
    // On genesis, beside b1: the head's schedule need not be that branch's, so no verdict on it.
    expect(await validate(PEER, { data: (await blockOn(genesis, 4n, 1)).bytes })).toBe(TopicValidatorResult.Ignore);
    expect(rejected).toEqual([PEER.toString()]);
    // The right proposer off the head is imported as a side block.
    const side = (await blockOn(genesis, 5n, 0));
    expect(await validate(PEER, { data: side.bytes })).toBe(TopicValidatorResult.Accept);
    expect(await chain.hasBlock(side.hash)).toBe(true);
    expect(gossip.counts.blocks).toEqual({ accept: 1, ignore: 1, reject: 1 });
  });
});
