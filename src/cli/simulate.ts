/**
 * `dchat simulate`: a deterministic run of the token economy with no network and no disk. It builds
 * the default genesis, applies real blocks (inflation, a treasury schedule, user transfers with the
 * fee burned) and prints the supply figures at every twelfth of the run.
 */
import { createHash } from 'node:crypto';
import {
  BlockExecution,
  SYSTEM_ACCOUNT_IDS,
  type TxInput,
  buildGenesisState,
  checkStateInvariants,
  defaultGenesis,
  supplyStats,
  walletIdFromPublicKey,
} from '../tokenomics/index.ts';
import { usageError } from './errors.ts';
import { describeBlockSpan, formatBps, formatTokens } from './format.ts';
import { widest } from './table.ts';

export interface SimulationOptions {
  readonly blocks: bigint;
  /** A user transfer every this many blocks (0 = none). */
  readonly transferEvery: bigint;
  readonly transferAmount: bigint;
  /** The inflation year in blocks (default: the default genesis's); tests run a shorter year. */
  readonly blocksPerYear?: bigint;
  readonly write: (line: string) => void;
}

/**
 * The command's defaults: one inflation year of the default genesis, a transfer every 100 blocks.
 * The sender is the validator's reward wallet (20 % of the initial supply), so a year of transfers,
 * 52,560 of them, must cost less than that: 300,000 tokens each (15,768,000,000 in all).
 */
export const SIMULATION_DEFAULTS = Object.freeze({ blocks: 5_256_000n, transferEvery: 100n, transferAmount: 300_000n });

/** What the sender pays over the run: the amount of each transfer (the fee comes out of it). */
export function senderSpends(options: Pick<SimulationOptions, 'blocks' | 'transferEvery' | 'transferAmount'>): bigint {
  return options.transferEvery === 0n ? 0n : (options.blocks / options.transferEvery) * options.transferAmount;
}

export interface SimulationResult {
  readonly totalMinted: bigint;
  readonly totalBurned: bigint;
  readonly reserve: bigint;
  readonly transfers: bigint;
}

const key = (name: string): string => createHash('sha256').update(`simulation:${name}`).digest('hex');

export function simulate(options: SimulationOptions): SimulationResult {
  const validatorKey = key('validator');
  const authorityKey = key('authority');
  const userKey = key('user');
  const user = walletIdFromPublicKey(userKey);
  const config = defaultGenesis({
    chainId: 'dchat-simulation',
    genesisTimeMs: 1_767_225_600_000n,
    validators: [{ publicKey: validatorKey, rewardWallet: user }],
    authority: [authorityKey],
    ...(options.blocksPerYear === undefined ? {} : { params: { blocksPerYear: options.blocksPerYear } }),
  });
  const { state } = buildGenesisState(config);
  const funds = config.distribution.find((d) => d.account === user)!.amount;
  if (senderSpends(options) > funds) {
    throw usageError('InvalidParameter', `The sender holds ${formatTokens(funds)} tokens, less than ${formatTokens(senderSpends(options))} for the run's transfers: lower --transfer-amount or raise --transfer-every.`);
  }
  const recipient = SYSTEM_ACCOUNT_IDS.airdrop;
  let userNonce = 0n;
  let authorityNonce = 0n;
  const tx = (signer: string, nonce: bigint, op: TxInput['op']): TxInput => ({
    hash: createHash('sha256').update(`${signer}:${nonce}`).digest('hex'),
    signer,
    nonce,
    op,
  });

  const header = ['height', 'day', 'total minted', 'total burned', 'circulating', 'reserve', 'issued'];
  const rows: string[][] = [];
  const snapshot = (): void => {
    const s = supplyStats(state);
    const day = (s.height * config.params.blockTimeMs) / 86_400_000n;
    rows.push([
      formatTokens(s.height),
      formatTokens(day),
      formatTokens(s.totalMinted),
      formatTokens(s.totalBurned),
      formatTokens(s.circulatingSupply),
      formatTokens(s.reserveBalance),
      s.issuedBps === null ? 'uncapped' : formatBps(s.issuedBps),
    ]);
  };
  snapshot();
  const step = options.blocks / 12n > 0n ? options.blocks / 12n : 1n;
  for (let height = 1n; height <= options.blocks; height++) {
    const block = new BlockExecution(state, { height, timestampMs: config.params.genesisTimeMs + height * config.params.blockTimeMs });
    if (height === 1n) {
      // A daily treasury payout from the inflation reserve.
      block.applyTx(tx(authorityKey, authorityNonce++, {
        type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 10_000_000n,
        intervalBlocks: 14_400n, startBlock: null, durationBlocks: null, poolId: null,
      }));
    }
    if (options.transferEvery > 0n && height % options.transferEvery === 0n) {
      block.applyTx(tx(userKey, userNonce++, { type: 'transfer', to: recipient, amount: options.transferAmount }));
    }
    state.commit(block.finish().writes);
    if (height % step === 0n || height === options.blocks) snapshot();
  }
  checkStateInvariants(state);
  const widths = header.map((h, i) => widest(h.length, rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  options.write(`dchat token economy: ${describeBlockSpan(options.blocks, config.params.blocksPerYear, config.params.blockTimeMs)}, of the default genesis, deterministic`);
  options.write(line(header));
  options.write('='.repeat(line(header).length));
  for (const row of rows) options.write(line(row));
  options.write('All invariants of docs/protocol.md §13.8 hold after the last block.');
  const s = supplyStats(state);
  return { totalMinted: s.totalMinted, totalBurned: s.totalBurned, reserve: s.reserveBalance, transfers: userNonce };
}
