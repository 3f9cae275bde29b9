#!/usr/bin/env node
/** The `dchat` command. Errors print their code and sentence and exit non-zero. */
import { Command, InvalidArgumentError } from 'commander';
import { simulate } from './simulate.ts';
import { start } from './start.ts';

function wholeNumber(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return BigInt(value);
}

const program = new Command('dchat').description('dchat node: the token economy of the dchat chat network');

program
  .command('start')
  .description('run a node (with --dev: a local one-validator chain with a funded dev wallet)')
  .option('--dev', 'one local validator, generated genesis and keys in the data dir')
  .option('--data-dir <dir>', 'where chain data and keys live (default ~/.dchat)')
  .option('--config <file>', 'a JSON config file')
  .option('--api-host <host>', 'API listen address (default 127.0.0.1)')
  .option('--api-port <port>', 'API port (default 7545)')
  .option('--p2p-port <port>', 'libp2p port (default 7600)')
  .option('--block-time <ms>', 'dev mode: block time of a new dev chain in ms (default 6000)')
  .option('--bootstrap <multiaddr...>', 'peers to connect to')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
  .option('--genesis <file>', 'the genesis file (default <data-dir>/genesis.json)')
  .option('--validator-key <file>', 'this validator key file (default <data-dir>/keys/validator.json)')
  .action(start);

program
  .command('simulate')
  .description('run the token economy for a number of blocks, in memory, and print the supply figures')
  .option('--blocks <n>', 'blocks to apply (default: one inflation year)', wholeNumber, 5_256_000n)
  .option('--transfer-every <n>', 'a user transfer every n blocks (0 = none)', wholeNumber, 100n)
  .option('--transfer-amount <n>', 'tokens per user transfer', wholeNumber, 1_000_000n)
  .action((opts: { blocks: bigint; transferEvery: bigint; transferAmount: bigint }) => {
    simulate({ ...opts, write: (line) => process.stdout.write(`${line}\n`) });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(typeof code === 'string' ? `error ${code}: ${message}\n` : `error: ${message}\n`);
  process.exitCode = 1;
});
