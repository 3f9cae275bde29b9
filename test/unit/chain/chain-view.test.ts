/**
 * The read-only chain view (src/chain/chain-view.ts) as types: `Chain` fits it, and it offers no
 * store and no mutation. These assertions are checked by the typecheck (`npm test` runs tsc).
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.ts';
import type { ChainView, DevBlockSource, TxIntake } from '../../../src/chain/chain-view.ts';
import type { BlockProducer } from '../../../src/node/block-producer.ts';

describe('ChainView', () => {
  it('is what Chain offers readers, without its store or any way to change it', () => {
    expectTypeOf<Chain>().toExtend<ChainView>();
    expectTypeOf<Chain>().toExtend<TxIntake>();
    expectTypeOf<BlockProducer>().toExtend<DevBlockSource>();
    for (const member of ['store', 'submitTx', 'submitTxs', 'importBlock', 'produce', 'close'] as const) {
      expectTypeOf<ChainView>().not.toHaveProperty(member);
    }
    expectTypeOf<ChainView['state']>().not.toHaveProperty('commit');
    expectTypeOf<ChainView['events']>().not.toHaveProperty('emit');
    expectTypeOf<ChainView['mempool']>().not.toHaveProperty('add');
  });
});
