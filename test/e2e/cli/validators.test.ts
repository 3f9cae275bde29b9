/**
 * `dchat validators` against a real dev node, in-process: the set in force and the pending one,
 * the authority's `set` from --validator pairs or a --file (default and explicit activation
 * heights, one too soon refused by the node), and malformed sets refused before any request.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { formatTokens } from '../../../src/cli/format.ts';
import { ACTIVATION_MARGIN } from '../../../src/cli/validators/commands.ts';
import { generateKeyPair, toHex } from '../../../src/chain/crypto.ts';
import { type DevNode, cli, startDevNode } from './harness.ts';

let dev: DevNode;
const run = (args: readonly string[]) => cli([...args, '--node', dev.url], { env: { DCHAT_DATA_DIR: dev.dataDir } });
type Entry = { public_key: string; reward_wallet: string };
interface Listed {
  head_height: string;
  validators: Entry[];
  pending_validators: { validators: Entry[]; activation_height: string } | null;
}

const newKey = (): string => toHex(generateKeyPair().publicKey);
const WALLET = '3c1f5a2e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';

beforeAll(async () => {
  dev = await startDevNode();
  const imported = await cli(['keys', 'import', '--name', 'authority', '--file', join(dev.dataDir, 'keys', 'authority.json'), '--data-dir', dev.dataDir, '--json']);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await dev?.close();
});

describe('dchat validators', () => {
  it('lists the set in force and no pending set on a fresh dev chain', async () => {
    const listed = await run(['validators', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const body = listed.json<Listed>();
    expect(body.validators).toHaveLength(1);
    expect(body.pending_validators).toBeNull();
    const table = await run(['validators', 'list']);
    expect(table.stdout).toContain(body.validators[0]!.public_key);
    expect(table.stdout).toContain('No validator set change is pending.');
  });

  it.each([
    ['no set at all', [], 'MissingOption'],
    ['a pair without a wallet', ['--validator', newKey()], 'InvalidValidator'],
    ['a short key', ['--validator', `abcd:${WALLET}`], 'InvalidValidator'],
    ['a bad wallet', ['--validator', `${newKey()}:not-a-uuid`], 'InvalidId'],
    ['one key twice', ['--validator', `${'ab'.repeat(32)}:${WALLET}`, '--validator', `${'ab'.repeat(32)}:${WALLET}`], 'InvalidValidator'],
    ['pairs and a file', ['--validator', `${newKey()}:${WALLET}`, '--file', '/nonexistent.json'], 'MissingOption'],
    ['an unreadable file', ['--file', '/nonexistent.json'], 'InvalidValidatorFile'],
  ])('refuses %s before any request', async (_what, args, code) => {
    const result = await run(['validators', 'set', '--from', 'authority', ...args]);
    expect(result.code, result.stderr).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(new RegExp(`^error ${code}: `));
    expect(result.requests).toEqual([]);
  });

  it('leaves a too-early activation height to the node, which refuses it (InvalidParameter)', async () => {
    const { validators } = (await run(['validators', 'list', '--json'])).json<Listed>();
    const pairs = validators.map((v) => `${v.public_key}:${v.reward_wallet}`);
    const early = await run(['validators', 'set', '--from', 'authority', ...pairs.flatMap((p) => ['--validator', p]), '--activation-height', '1']);
    expect(early.code).toBe(EXIT_CODES.refused);
    expect(early.stderr).toMatch(/^error InvalidParameter: activation_height 1 is too soon/);
  });

  it('schedules a set from a file at the default activation height, which the list then shows as pending', async () => {
    const before = (await run(['validators', 'list', '--json'])).json<Listed>();
    const joined: Entry = { public_key: newKey(), reward_wallet: WALLET };
    const file = join(dev.dataDir, 'next-set.json');
    // The `validators list --json` shape, with one validator added.
    writeFileSync(file, JSON.stringify({ ...before, validators: [...before.validators, joined] }));
    const set = await run(['validators', 'set', '--from', 'authority', '--file', file, '--json']);
    expect(set.code, set.stderr).toBe(0);
    const out = set.json<{ status: string; height: string; activation_height: string; validators: Entry[] }>();
    expect(out.status).toBe('included');
    expect(out.validators).toEqual([...before.validators, joined]);
    // head + 1 + (2 × 1 + 1) + margin, the head as the command read it (at or after `before`).
    const activation = BigInt(out.activation_height);
    expect(activation).toBeGreaterThanOrEqual(BigInt(before.head_height) + 4n + ACTIVATION_MARGIN);
    expect(activation).toBeLessThanOrEqual(BigInt(out.height) + 3n + ACTIVATION_MARGIN);
    const pending = (await run(['validators', 'list', '--json'])).json<Listed>().pending_validators;
    expect(pending).toEqual({ validators: [...before.validators, joined], activation_height: out.activation_height });
    expect((await run(['validators', 'list'])).stdout).toContain(`Pending set, in force from block ${formatTokens(BigInt(out.activation_height))}`);
  });
});
