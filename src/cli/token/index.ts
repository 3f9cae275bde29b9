/** `dchat token`: the seed's thirteen commands and the rest of the token economy's operations. */
import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { registerPools } from './pools.ts';
import { registerSchedules } from './schedules.ts';
import { registerSupply } from './supply.ts';
import { registerWallet } from './wallet.ts';

export function registerToken(program: Command, io: CliIo): void {
  const token = program.command('token').description('the token economy: supply, pools, schedules, wallets (a client of the node API)');
  registerSupply(token, io);
  registerPools(token, io);
  registerSchedules(token, io);
  registerWallet(token, io);
}
