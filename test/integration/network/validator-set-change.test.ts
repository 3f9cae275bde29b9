/**
 * A validator set change on a running network (docs/protocol.md §17.7): three validators on
 * loopback (real libp2p, 500 ms slots) and a fourth node, started beforehand with a validator key
 * that is in no set, following. The authority adds the fourth validator with
 * `dchat validators set` (the CLI, in-process), and later removes one; then a passed
 * `set-validators` proposal (short governance periods in the genesis) brings the removed one back
 * and removes another. Checked: every node shows the pending set, all four keep one head and one
 * state root through every switch, a node whose key joins produces from the activation height on
 * (never before, and without a restart), a removed one stops producing and keeps following, and
 * blocks keep becoming final under each set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTx } from '../../../src/chain/codec/tx.ts';
import { generateKeyPair, toHex } from '../../../src/chain/crypto.ts';
import { proposerFor } from '../../../src/chain/poa.ts';
import { type NodeKey, readKeyFile, writeKeyFile } from '../../../src/node/key-files.ts';
import type { DchatNode } from '../../../src/node/node.ts';
import { LightValidatorSets, trustedGenesisFromJson, verifiedAccount } from '../../../src/light/index.ts';
import { DEV_GOV_PARAMS, type Operation, type Proposal, PROPOSAL_PREFIX, walletIdFromPublicKey } from '../../../src/tokenomics/index.ts';
import { cli } from '../../e2e/cli/harness.ts';
import { api, postTx, waitFor } from '../node-client.ts';
import { TestNet, canonicalBlocks, height, waitForSameHead } from './harness.ts';

const BLOCK_TIME_MS = 500n;
let net: TestNet;
let joiner: NodeKey;
let joinerWallet: string;

type Entry = { public_key: string; reward_wallet: string };

interface NodeInfo {
  validator: boolean;
  halted: string | null;
  validators: { public_key: string; reward_wallet: string }[];
  pending_validators: { validators: { public_key: string }[]; activation_height: string } | null;
}

/** Every node's log lines at info and above: a follower says once that it follows, and nothing errs. */
const logs: { node: string; level: number; msg: string }[] = [];
const capture = (node: string): Logger => pino({ level: 'info' }, { write: (line: string) => void logs.push({ node, ...(JSON.parse(line) as { level: number; msg: string }) }) });
const said = (node: string, msg: string): number => logs.filter((l) => l.node === node && l.msg === msg).length;

const allNodes = (): DchatNode[] => ['v0', 'v1', 'v2', 'v3'].map((n) => net.node(n));
const info = async (node: DchatNode): Promise<NodeInfo> => (await api<NodeInfo>(node.apiUrl, '/v1/node')).body;

/** `dchat <args>` against v0, with the testnet's authority key in a keystore of its own. */
const dchat = (args: readonly string[]) => cli([...args, '--node', net.node('v0').apiUrl, '--data-dir', net.dir], {});

beforeAll(async () => {
  // Governance periods of the --dev genesis (a voting period of 20 blocks, 10 s).
  net = await TestNet.create(3, BLOCK_TIME_MS, { gov: { ...DEV_GOV_PARAMS, votingBlocks: 20n } });
  const keyFile = join(net.dir, 'v3', 'keys', 'validator.json');
  writeKeyFile(keyFile, generateKeyPair(), 'validator 3 (not in the genesis set)');
  joiner = readKeyFile(keyFile);
  joinerWallet = walletIdFromPublicKey(toHex(generateKeyPair().publicKey));
  await net.start('v0', 0, [], { logger: capture('v0') });
  for (const i of [1, 2]) await net.start(`v${i}`, i, net.bootstrapOf('v0'), { logger: capture(`v${i}`) });
  await net.start('v3', null, net.bootstrapOf('v0'), { config: { validator_key_file: keyFile }, logger: capture('v3') });
  const imported = await cli(['keys', 'import', '--name', 'authority', '--file', net.layout.authorityKeyFile, '--data-dir', net.dir, '--json']);
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await net?.close();
});

/** Every node holds the same blocks and state roots from 1 to `top`. */
async function expectOneChain(top: number): Promise<void> {
  const [first, ...others] = allNodes();
  const reference = await canonicalBlocks(first!, 1, top);
  for (const node of others) {
    const blocks = await canonicalBlocks(node, 1, top);
    expect(blocks.map((b) => toHex(b.hash))).toEqual(reference.map((b) => toHex(b.hash)));
    expect(blocks.map((b) => toHex(b.header.stateRoot))).toEqual(reference.map((b) => toHex(b.header.stateRoot)));
  }
}

/** Schedules `keys` (with their reward wallets) as the next set through the CLI; returns the activation height. */
async function scheduleSet(set: { public_key: string; reward_wallet: string }[]): Promise<bigint> {
  const result = await dchat(['validators', 'set', '--from', 'authority', ...set.flatMap((v) => ['--validator', `${v.public_key}:${v.reward_wallet}`]), '--json']);
  expect(result.code, result.stderr).toBe(0);
  const out = result.json<{ status: string; activation_height: string; validators: unknown[] }>();
  expect(out.status).toBe('included');
  expect(out.validators).toEqual(set);
  return BigInt(out.activation_height);
}

/** Signs `op` with `key` (its next nonce), submits it to v0 and waits for its block. */
async function send(key: NodeKey & { nonce?: bigint }, op: Operation): Promise<void> {
  const nonce = key.nonce ?? 0n;
  const tx = signTx({ chainId: net.layout.chainId, signer: key.publicKeyHex, nonce, op }, key.secretKey);
  const reply = await postTx(net.node('v0').apiUrl, tx.bytes);
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  key.nonce = nonce + 1n;
  await waitFor(`${op.type} included`, async () => (await api<{ status: string }>(net.node('v0').apiUrl, `/v1/txs/${toHex(tx.hash)}`)).body.status === 'included');
}

/** Every activation height of the run, in order (the light client must learn each). */
const activations: bigint[] = [];

describe('a validator set change on a running network of three validators and a follower', () => {
  let genesisSet: { public_key: string; reward_wallet: string }[];
  let activation: bigint;

  it('runs the fourth node as a follower while its key is in no set', async () => {
    const start = await waitForSameHead(allNodes(), 3);
    const v3 = await info(net.node('v3'));
    expect(v3.validator).toBe(false);
    expect(v3.halted).toBeNull();
    genesisSet = v3.validators;
    expect(genesisSet.map((v) => v.public_key)).toEqual(net.layout.nodes.map((n) => readKeyFile(n.validatorKeyFile).publicKeyHex));
    const blocks = await canonicalBlocks(net.node('v0'), 1, start);
    expect(blocks.some((b) => b.header.proposer === joiner.publicKeyHex)).toBe(false);
  });

  it('adds the fourth validator at the activation height: it produces from there on, and all nodes stay on one chain', async () => {
    const added = [...genesisSet, { public_key: joiner.publicKeyHex, reward_wallet: joinerWallet }];
    activation = await scheduleSet(added);
    activations.push(activation);
    // Included on v0; each node shows the pending set once the block reaches it (before the activation).
    for (const node of allNodes()) {
      const pending = await waitFor('the pending set on every node', async () => (await info(node)).pending_validators, 10_000);
      expect(pending.activation_height).toBe(activation.toString());
      expect(pending.validators.map((v) => v.public_key)).toEqual(added.map((v) => v.public_key));
      expect(node.chain.head.header.height).toBeLessThan(activation);
    }
    const top = await waitForSameHead(allNodes(), Number(activation) + 8, 60_000);
    await expectOneChain(top);
    const blocks = await canonicalBlocks(net.node('v0'), 1, top);
    const byJoiner = blocks.filter((b) => b.header.proposer === joiner.publicKeyHex);
    expect(byJoiner.length).toBeGreaterThan(0);
    expect(byJoiner.every((b) => b.header.height >= activation)).toBe(true);
    // From the activation on, slot s belongs to the new set's [s mod 4].
    const fourSet = added.map((v) => ({ publicKey: v.public_key, rewardWallet: v.reward_wallet }));
    for (const b of blocks.filter((blk) => blk.header.height >= activation)) expect(b.header.proposer).toBe(proposerFor(b.header.slot, fourSet).publicKey);
    const v3 = await info(net.node('v3'));
    expect(said('v3', 'validator key is not in the validator set: following the chain until it joins')).toBe(1);
    expect(said('v3', 'validator key joined the validator set: producing blocks')).toBe(1);
    expect(v3.validator).toBe(true);
    expect(v3.pending_validators).toBeNull();
    expect(v3.validators.map((v) => v.public_key)).toEqual(added.map((v) => v.public_key));
    // Finality counts the new set: blocks after the activation become final.
    await waitFor('a final block past the activation', async () => net.node('v0').chain.finalizedHeight >= activation, 30_000);
  }, 120_000);

  it('removes a validator: its node stops producing and keeps following on the one chain', async () => {
    const removedKey = genesisSet[2]!.public_key;
    const remaining = [genesisSet[0]!, genesisSet[1]!, { public_key: joiner.publicKeyHex, reward_wallet: joinerWallet }];
    const removal = await scheduleSet(remaining);
    activations.push(removal);
    expect(removal).toBeGreaterThan(activation);
    const top = await waitForSameHead(allNodes(), Number(removal) + 8, 60_000);
    await expectOneChain(top);
    const after = await canonicalBlocks(net.node('v0'), Number(removal), top);
    expect(after.some((b) => b.header.proposer === removedKey)).toBe(false);
    expect(new Set(after.map((b) => b.header.proposer))).toEqual(new Set(remaining.map((v) => v.public_key)));
    const v2 = await info(net.node('v2'));
    expect(v2.validator).toBe(false);
    expect(v2.halted).toBeNull();
    expect(said('v2', 'validator key left the validator set: following the chain')).toBe(1);
    // It still follows: new blocks reach it.
    const followed = height(net.node('v2'));
    await waitForSameHead(allNodes(), followed + 2, 30_000);
    await waitFor('a final block past the removal', async () => net.node('v0').chain.finalizedHeight >= removal, 30_000);
  }, 120_000);

  it('follows a passed set-validators proposal: the removed validator returns without a restart, another leaves', async () => {
    const [first, second, third] = genesisSet as [Entry, Entry, Entry];
    const proposed = [second, third, { public_key: joiner.publicKeyHex, reward_wallet: joinerWallet }];
    // v0's reward wallet stakes (the only stake: its vote is the whole turnout), proposes and votes yes.
    const voter: NodeKey & { nonce?: bigint } = readKeyFile(net.layout.nodes[0]!.walletKeyFile);
    await send(voter, { type: 'stake', amount: 1_000_000n });
    const set = proposed.map((v) => ({ publicKey: v.public_key, rewardWallet: v.reward_wallet }));
    await send(voter, { type: 'submit-proposal', kind: 'set-validators', payload: { validators: set, activationHeight: 0n }, title: 'v2 back, v0 out', deposit: DEV_GOV_PARAMS.minDeposit });
    const v0 = net.node('v0');
    const proposalId = v0.chain.state.keysWithPrefix(PROPOSAL_PREFIX).map((k) => k.slice(PROPOSAL_PREFIX.length))[0]!;
    await send(voter, { type: 'vote', proposalId, option: 'yes' });
    const passed = await waitFor('the proposal to pass', async () => {
      const proposal = v0.chain.state.get(PROPOSAL_PREFIX + proposalId) as unknown as Proposal | undefined;
      return proposal?.status === 'passed' ? proposal : undefined;
    }, 30_000);
    expect(passed.status).toBe('passed');
    const pending = await waitFor('the pending set', async () => (await info(net.node('v3'))).pending_validators, 10_000);
    expect(pending.validators.map((v) => v.public_key)).toEqual(proposed.map((v) => v.public_key));
    const activation = BigInt(pending.activation_height);
    activations.push(activation);
    const top = await waitForSameHead(allNodes(), Number(activation) + 8, 60_000);
    await expectOneChain(top);
    const after = await canonicalBlocks(v0, Number(activation), top);
    expect(new Set(after.map((b) => b.header.proposer))).toEqual(new Set(proposed.map((v) => v.public_key)));
    expect(after.some((b) => b.header.proposer === first.public_key)).toBe(false);
    expect(said('v2', 'validator key joined the validator set: producing blocks')).toBe(1);
    expect(said('v0', 'validator key left the validator set: following the chain')).toBe(1);
    expect((await info(net.node('v0'))).validator).toBe(false);
    expect((await info(net.node('v2'))).validator).toBe(true);
    await waitFor('a final block past the proposal\'s activation', async () => v0.chain.finalizedHeight >= activation, 30_000);
    // Through every switch no node logged an error (a missed slot, a refused block of the new set),
    // nor took another's block of the new schedule for an invalid one.
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(logs.filter((l) => l.msg === 'rejected an invalid gossip message')).toEqual([]);
  }, 120_000);

  it('a light client that trusts only the genesis file learns all three sets and verifies a stake past them on every node', async () => {
    const genesis = trustedGenesisFromJson(JSON.parse(readFileSync(net.layout.genesisFile, 'utf8')));
    const voter = readKeyFile(net.layout.nodes[0]!.walletKeyFile);
    const last = activations.at(-1)!;
    await waitFor('a final block past the last activation on every node', async () => allNodes().every((n) => n.chain.finalizedHeight > last), 30_000);
    for (const node of allNodes()) {
      const sets = new LightValidatorSets(genesis.validators);
      const verified = await verifiedAccount({ genesis, node: node.apiUrl, validatorSets: sets }, walletIdFromPublicKey(voter.publicKeyHex));
      expect(verified.height).toBeGreaterThan(last);
      expect(verified.account.staked).toBe(1_000_000n);
      expect(sets.all().map((e) => e.from)).toEqual([0n, ...activations]);
      expect(sets.last.keys).toEqual(allNodes()[0]!.chain.validators().map((v) => v.publicKey));
    }
  }, 60_000);
});
