/**
 * The `dchat` program as a function: `run(argv, io)` parses, runs one command and returns its exit
 * code, printing `error <Code>: <sentence>` for any failure. bin/dchat calls it with the process's
 * streams; tests call it in-process with their own.
 */
import { Command, CommanderError } from 'commander';
import { describeError, errorJson, EXIT_CODES } from './errors.ts';
import type { CliIo } from './io.ts';
import { registerKeys } from './keys/commands.ts';
import { SIMULATION_DEFAULTS, simulate } from './simulate.ts';
import { start } from './start.ts';
import { type ExportStateFlags, exportStateCommand } from './export-state.ts';
import { type TestnetFlags, testnet } from './testnet.ts';
import { type TestnetInitFlags, testnetInit } from './testnet-init.ts';
import { registerToken } from './token/index.ts';
import { registerStake } from './stake/commands.ts';
import { registerMarket } from './market/commands.ts';
import { registerValidators } from './validators/commands.ts';
import { registerGov } from './gov/index.ts';
import { registerLight } from './light/commands.ts';
import { parseCount } from './values.ts';
import { DCHAT_VERSION } from '../node/version.ts';

function buildProgram(io: CliIo): Command {
  const program = new Command('dchat').description('dchat node: the token economy of the dchat chat network');
  program.version(DCHAT_VERSION, '-V, --version', 'print the dchat version');
  // Set before any subcommand exists: subcommands copy these settings when created.
  program.exitOverride();
  program.configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => undefined });

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
    .option('--p2p-host <address>', 'libp2p listen address (default 0.0.0.0)')
    .option('--announce <multiaddr...>', 'addresses peers should dial instead of the listen address')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--log-format <format>', 'json (one object a line) or pretty (default: pretty on a terminal, else json)')
    .option('--genesis <file>', 'the genesis file (default <data-dir>/genesis.json)')
    .option('--validator-key <file>', 'this validator key file (default <data-dir>/keys/validator.json)')
    .option('--sync <mode>', 'snapshot (default: an empty data dir restores a peer\'s verified state snapshot, then syncs blocks) or full (replay from genesis)')
    .option('--prune <blocks>', 'keep only the most recent <blocks> blocks (at least 100; bodies, undo records, tx index, history) or archive (default: keep all)')
    .option('--trusted-hash <hash>', 'a block hash you trust at or up to 64 blocks above the snapshot (GET /v1/snapshots of a node you trust); needed when the validator set changed since genesis')
    .action(start);

  program
    .command('export-state')
    .description("write a stopped node's state at a height as the genesis of a new chain that continues it")
    .requiredOption('--data-dir <dir>', 'the data dir of a stopped node')
    .option('--height <h>', 'the height to export (default: the last final block)')
    .requiredOption('--chain-id <id>', "the new chain's id (must differ from the old one)")
    .requiredOption('--genesis-time <time>', "the new chain's genesis time (ISO 8601, or ms since 1970)")
    .requiredOption('--out <file>', 'the genesis file to write (must not exist)')
    .option('--validator <key:wallet...>', "the new chain's validators, each <public key hex>:<reward wallet uuid> (default: the exported set)")
    .option('--authority <keys...>', "the new chain's authority keys (default: the exported ones)")
    .option('--json', 'print the summary as JSON')
    .action(async (opts: ExportStateFlags) => { await exportStateCommand(opts, io.stdout); });

  program
    .command('simulate')
    .description('run the token economy for a number of blocks, in memory, and print the supply figures')
    .option('--blocks <n>', 'blocks to apply (default: one inflation year)', String(SIMULATION_DEFAULTS.blocks))
    .option('--transfer-every <n>', 'a user transfer every n blocks (0 = none)', String(SIMULATION_DEFAULTS.transferEvery))
    .option('--transfer-amount <n>', 'tokens per user transfer', String(SIMULATION_DEFAULTS.transferAmount))
    .action((opts: { blocks: string; transferEvery: string; transferAmount: string }) => {
      simulate({
        blocks: parseCount('--blocks', opts.blocks),
        transferEvery: parseCount('--transfer-every', opts.transferEvery, 0n),
        transferAmount: parseCount('--transfer-amount', opts.transferAmount),
        write: (line) => io.stdout(`${line}\n`),
      });
    });

  const testnetCommand = program
    .command('testnet')
    .description('run N validator nodes on this machine (one genesis, keys and a data dir per node under --dir)')
    // `testnet init` has its own --nodes: this command's options stop at a subcommand's name.
    .enablePositionalOptions()
    .option('--nodes <n>', 'number of validator nodes (default 3)')
    .option('--dir <dir>', 'where the genesis, keys and node data live (default ./testnet)')
    .option('--block-time <ms>', 'block time of a new testnet in ms (default 2000)')
    .option('--base-api-port <port>', 'API port of node 0; node i uses port + i (default 7545)')
    .option('--base-p2p-port <port>', 'p2p port of node 0; node i uses port + i (default 7600)')
    .option('--log-level <level>', 'log level of the nodes (default warn)')
    .action((opts: TestnetFlags) => testnet(opts, (line) => io.stdout(`${line}\n`)));
  testnetCommand
    .command('init')
    .description('write the files of a network across machines: per host a bundle (genesis, validator key, p2p key, config.json)')
    .requiredOption('--nodes <n>', 'number of validators')
    .requiredOption('--hosts <h1,h2,...>', 'one IP address or DNS name per validator, as the other hosts reach it')
    .requiredOption('--out <dir>', 'where to write (a directory that holds no network yet)')
    .option('--p2p-port <port>', 'p2p port on each host; a host named twice uses the next one (default 7600)')
    .option('--api-port <port>', 'API port on each host, on loopback (default 7545)')
    .option('--block-time <ms>', 'block time in ms (default 6000)')
    .option('--chain-id <id>', 'chain id (default dchat-testnet-<genesis time>)')
    .action(async (opts: TestnetInitFlags) => { await testnetInit(opts, (line) => io.stdout(`${line}\n`)); });

  registerToken(program, io);
  registerStake(program, io);
  registerMarket(program, io);
  registerValidators(program, io);
  registerGov(program, io);
  registerKeys(program, io);
  registerLight(program, io);
  // After the subcommands exist, so only the program's own options are positional (`testnet init --nodes`).
  program.enablePositionalOptions();
  return program;
}

/** Commander's own refusals (unknown option, missing value, ...) are usage errors, exit 2. */
function commanderExit(err: CommanderError, io: CliIo, json: boolean): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_CODES.ok;
  if (err.code !== 'commander.help' && err.code !== 'commander.executeSubCommandAsync') {
    const message = `${err.message.replace(/^error: /, '')} (see --help)`;
    io.stderr(`error UsageError: ${message}\n`);
    if (json) io.stdout(errorJson('UsageError', message, EXIT_CODES.usage));
  }
  return EXIT_CODES.usage;
}

/**
 * Every failure is `error <Code>: <sentence>` on stderr; under --json it is also
 * `{"error": {code, message, exit_code}}` on stdout, where the script reads its answer.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err, io, json);
    const { line, exitCode, code, message } = describeError(err);
    io.stderr(`${line}\n`);
    if (json) io.stdout(errorJson(code, message, exitCode));
    return exitCode;
  }
}
