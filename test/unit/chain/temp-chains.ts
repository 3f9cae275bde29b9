/** Chains on temporary data dirs for tests: `open` one per case, `closeAll` in afterAll. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../../src/chain/chain.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { testGenesisConfig } from './chain-fixture.ts';

export interface TempChains {
  /** A fresh chain of `validators` test validators (signatures checked on this thread). */
  open(validators?: number): Promise<Chain>;
  closeAll(): Promise<void>;
}

export function tempChains(prefix: string): TempChains {
  const dirs: string[] = [];
  const chains: Chain[] = [];
  const logger = createLogger('silent', false);
  return {
    async open(validators = 1) {
      const dir = mkdtempSync(join(tmpdir(), `dchat-${prefix}-`));
      dirs.push(dir);
      const chain = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(validators), logger, verifyThreads: 0 });
      chains.push(chain);
      return chain;
    },
    async closeAll() {
      for (const chain of chains) {
        await chain.close();
        await chain.store.close().catch(() => undefined);
      }
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
