/**
 * `dchat light balance`: a balance read from an untrusted node and verified by the light client
 * (src/light) against the genesis file alone: the finality of the block (signatures, proposer
 * schedule, parent links, more than 2/3 distinct proposers on top) and the state proof under its
 * state root. A failed check is a refusal (exit 3) naming the check.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LightError, LightErrorCode, type TrustedGenesis, bytesToHex, trustedGenesisFromJson, verifiedAccount } from '../../light/index.ts';
import { DEFAULT_NODE } from '../context.ts';
import { CliError, type ErrorKind, usageError } from '../errors.ts';
import { formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { parseAccount, parseCount, parseNodeUrl } from '../values.ts';

interface BalanceFlags {
  userId: string;
  genesis: string;
  node?: string;
  height?: string;
  json?: boolean;
}

/** The trusted part of a genesis file, read as the browser client reads it (src/light/genesis.ts). */
export function trustedGenesisFromFile(path: string): TrustedGenesis {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw usageError('GenesisUnreadable', `Cannot read the genesis file ${path}: ${(err as Error).message}`);
  }
  try {
    return trustedGenesisFromJson(JSON.parse(text));
  } catch (err) {
    throw usageError('InvalidGenesis', `${path}: ${(err as Error).message}`);
  }
}

/** Node trouble is what it is elsewhere in the CLI; every failed check is a refusal (exit 3). */
function asCliError(err: LightError): CliError {
  const kind: ErrorKind = err.code === LightErrorCode.NodeUnreachable ? 'unreachable' : 'refused';
  return new CliError(kind, err.code, err.code === LightErrorCode.NodeUnreachable || err.code === LightErrorCode.NodeRefused ? err.message : `Verification failed: ${err.message}`);
}

export function registerLight(program: Command, io: CliIo): void {
  const light = program.command('light').description('a light client: answers verified against a genesis file, trusting no node');
  light
    .command('balance')
    .description('an account\'s balance from a node, verified by its proof and the finality of its block')
    .requiredOption('--user-id <id>', 'wallet UUID or system account name')
    .requiredOption('--genesis <file>', 'the trusted genesis file (chain id, validators, slot timing)')
    .option('--node <url>', 'node API URL (default $DCHAT_NODE or http://127.0.0.1:7545)')
    .option('--height <n>', 'a final height to verify at (default the node\'s last final height)')
    .option('--json', 'print JSON instead of lines')
    .action(async (flags: BalanceFlags) => {
      const id = parseAccount('--user-id', flags.userId);
      const height = flags.height === undefined ? undefined : parseCount('--height', flags.height, 0n);
      const node = parseNodeUrl(flags.node ?? io.env.DCHAT_NODE ?? DEFAULT_NODE);
      const genesis = trustedGenesisFromFile(flags.genesis);
      const fetchFn = (url: string) => io.fetch(url);
      let verified;
      try {
        verified = await verifiedAccount({ genesis, node, fetch: fetchFn }, id, height);
      } catch (err) {
        throw err instanceof LightError ? asCliError(err) : err;
      }
      const { account } = verified;
      const blockHash = bytesToHex(verified.header.hash);
      if (flags.json === true) {
        const json = { id, balance: account.balance.toString(), staked: account.staked.toString(), nonce: account.nonce.toString(), height: verified.height.toString(), block_hash: blockHash, verified: true };
        io.stdout(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      io.stdout(`Balance of ${id}: ${formatTokens(account.balance)} tokens\nverified at height ${verified.height} (block ${blockHash})\n`);
    });
}
