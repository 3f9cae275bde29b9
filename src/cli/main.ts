#!/usr/bin/env node
/** The `dchat` command. */
import { Command, InvalidArgumentError } from 'commander';
import { simulate } from './simulate.ts';

function wholeNumber(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return BigInt(value);
}

const program = new Command('dchat').description('dchat node: the token economy of the dchat chat network');

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
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
