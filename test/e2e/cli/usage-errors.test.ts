/**
 * Bad commands, flags and values are refused locally: a clear `error <Code>: <sentence>`, the
 * usage exit code, and not one request (--node points at a port where nothing listens, and the io
 * counts fetches). Keystore problems are local too and exit with the keystore code.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { cli, closedPort, removeTempDirs, tempDir } from './harness.ts';

const UUID = randomUUID();
let node = '';
let dataDir = '';

beforeAll(async () => {
  node = `http://127.0.0.1:${await closedPort()}`;
  dataDir = tempDir('dchat-usage-');
  const made = await cli(['keys', 'new', '--name', 'dev', '--data-dir', dataDir]);
  expect(made.code, made.stderr).toBe(0);
});

const USAGE: readonly (readonly [args: string, code: string, sentence: RegExp])[] = [
  ['transfer --from dev --to treasury --amount -5', 'InvalidAmount', /--amount "-5" .*cannot be negative/],
  ['transfer --from dev --to treasury --amount 1.5', 'InvalidAmount', /must be a whole number/],
  ['transfer --from dev --to treasury --amount 0', 'InvalidAmount', /--amount must be at least 1, got 0/],
  ['transfer --from dev --to treasury --amount 12abc', 'InvalidAmount', /expected digits only/],
  ['transfer --from dev --to treasury --amount 18446744073709551616', 'AmountOverflow', /larger than the u64 maximum 18,446,744,073,709,551,615/],
  ['transfer --from dev --to not-a-uuid --amount 5', 'InvalidAccount', /--to "not-a-uuid" is neither a wallet UUID nor a system account/],
  ['transfer --to treasury --amount 5', 'MissingSigner', /--from/],
  ['transfer --from dev --to treasury --amount 5 --timeout 0', 'InvalidParameter', /--timeout must be from 1/],
  ['mint --amount 5 --reason bogus', 'InvalidReason', /Unknown mint reason "bogus"/],
  ['mint --amount 5 --reason genesis', 'InvalidReason', /protocol's own/],
  ['mint --amount 5 --reason airdrop --recipient 1234', 'InvalidAccount', /--recipient "1234"/],
  ['burn --user-id treasury --amount 5 --reason nope', 'InvalidReason', /Unknown burn reason "nope"/],
  ['burn --user-id treasury --amount 5 --reason voluntary', 'InvalidReason', /system account uses reason deflation or fee/],
  [`burn --user-id ${UUID} --amount 5 --reason deflation`, 'InvalidReason', /burns its own tokens with reason voluntary/],
  ['burn --amount 5', 'MissingOption', /--user-id/],
  ['create-pool --name "" --initial-amount 5', 'InvalidParameter', /--name must have 1 to 64 characters/],
  ['create-pool --name P --initial-amount 5 --auto-replenish-below 10', 'InvalidParameter', /both --auto-replenish-below and --auto-replenish-up-to/],
  ['create-pool --name P --initial-amount 5 --auto-replenish-below 10 --auto-replenish-up-to 9', 'InvalidParameter', /may not exceed/],
  ['create-pool --name P --initial-amount 5 --operator bob', 'InvalidAccount', /--operator "bob"/],
  ['pool-info --pool-id 1234', 'InvalidId', /--pool-id "1234" is not a UUID/],
  ['replenish-pool --pool-id xyz --amount 5', 'InvalidId', /--pool-id "xyz"/],
  [`allocate --pool-id ${UUID} --amount 5 --recipient ${UUID} --expires-in-blocks 0`, 'InvalidParameter', /--expires-in-blocks must be from 1/],
  [`release-allocation --pool-id ${UUID} --allocation-id nope`, 'InvalidId', /--allocation-id "nope"/],
  ['mint-history --limit 0', 'InvalidParameter', /--limit must be from 1 to 1,000, got 0/],
  ['burn-history --limit 5000', 'InvalidParameter', /--limit must be from 1 to 1,000, got 5,000/],
  ['burn-history --reason charity', 'InvalidReason', /Unknown burn reason "charity"/],
  ['create-schedule --recipient-type miners --amount 5 --interval-blocks 10', 'InvalidParameter', /Unknown recipient type "miners"/],
  ['create-schedule --recipient-type treasury --amount 5 --interval-blocks 0', 'InvalidParameter', /--interval-blocks must be from 1/],
  [`create-schedule --recipient-type treasury --amount 5 --interval-blocks 1 --pool-id ${UUID}`, 'InvalidParameter', /--pool-id applies only to marketplace schedules/],
  ['cancel-schedule --schedule-id 42', 'InvalidId', /--schedule-id "42"/],
  ['balance --user-id alice', 'InvalidAccount', /--user-id "alice"/],
  ['projection --blocks 10 --years 1', 'InvalidParameter', /not both/],
  ['transfer-from-system --account ' + UUID + ' --to treasury --amount 5', 'InvalidAccount', /must be a system account/],
  ['balance', 'MissingOption', /Name the account with --user-id \(or --account\)/],
  ['balance --user-id dev --account treasury', 'InvalidParameter', /--user-id and --account name the same thing/],
  ['stats --frobnicate', 'UsageError', /unknown option '--frobnicate'/],
  ['frobnicate', 'UsageError', /unknown command 'frobnicate'/],
  ['stats --node ftp://example', 'InvalidNodeUrl', /must be an http:\/\/ or https:\/\/ URL/],
];

afterAll(removeTempDirs);

describe('usage errors are refused before any network call', () => {
  it.each(USAGE)('dchat token %s -> %s', async (args, code, sentence) => {
    const argv = ['token', ...(args.match(/"[^"]*"|\S+/g) ?? []).map((a) => a.replace(/^"|"$/g, ''))];
    const hasNode = argv.includes('--node');
    const result = await cli(hasNode ? argv : [...argv, '--node', node], { env: { DCHAT_DATA_DIR: dataDir } });
    expect(result.stderr.startsWith(`error ${code}: `), result.stderr).toBe(true);
    expect(result.stderr).toMatch(sentence);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stdout).toBe('');
    expect(result.requests).toEqual([]);
  });

  it('help is not an error', async () => {
    const help = await cli(['token', 'transfer', '--help']);
    expect(help.code).toBe(EXIT_CODES.ok);
    expect(help.stdout).toContain('--amount <tokens>');
    expect(help.stdout).toContain('--no-wait');
  });

  it('keystore problems stop a command locally too (exit 5)', async () => {
    const unknown = await cli(['token', 'transfer', '--from', 'nobody', '--to', 'treasury', '--amount', '5', '--node', node], { env: { DCHAT_DATA_DIR: dataDir } });
    expect(unknown.code).toBe(EXIT_CODES.keystore);
    expect(unknown.stderr).toMatch(/^error UnknownKey: No key "nobody" in .*keystore; `dchat keys list`/);
    expect(unknown.requests).toEqual([]);

    const wrong = await cli(['token', 'transfer', '--from', 'dev', '--to', 'treasury', '--amount', '5', '--node', node], {
      env: { DCHAT_DATA_DIR: dataDir, DCHAT_KEYSTORE_PASSPHRASE: 'not it' },
    });
    expect(wrong.code).toBe(EXIT_CODES.keystore);
    expect(wrong.stderr).toBe('error WrongPassphrase: The passphrase does not unlock key "dev".\n');
    expect(wrong.requests).toEqual([]);

    const noAuthority = await cli(['token', 'mint', '--amount', '5', '--reason', 'airdrop', '--node', node], { env: { DCHAT_DATA_DIR: dataDir } });
    expect(noAuthority.code).toBe(EXIT_CODES.usage);
    expect(noAuthority.stderr).toMatch(/^error MissingSigner: .*import the authority key as "authority"/);
    expect(noAuthority.requests).toEqual([]);
  });
});
