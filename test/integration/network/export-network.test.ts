/**
 * A network restarted from an export (docs/protocol.md §14.3): two validators run a chain, stop;
 * the state of one is exported at its last final block; both start on new data dirs from the one
 * genesis file and agree on a growing head above the exported height, and a node that joins later
 * syncs every block from the one after the genesis (range sync never asks below it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/chain/crypto.ts';
import { exportState } from '../../../src/chain/export-state.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { genesisToJson } from '../../../src/tokenomics/index.ts';
import { TestNet, height, waitForSameHead } from './harness.ts';

let net: TestNet | null = null;
afterAll(async () => {
  await net?.close();
});

describe('a network from an exported state', () => {
  it('two validators go on from the exported height; a late node syncs from the genesis up', async () => {
    net = await TestNet.create(2, 300n);
    await net.startValidators(2);
    await waitForSameHead([net.node('v0'), net.node('v1')], 4);
    await net.stop('v0');
    await net.stop('v1');

    const store = await ChainStore.open(join(net.layout.nodes[0]!.dataDir, 'chain'));
    const exported = await exportState(store, { chainId: 'dchat-net-2', genesisTimeMs: BigInt(Date.now()) }).finally(() => store.close());
    const genesisFile = join(net.dir, 'genesis-2.json');
    writeFileSync(genesisFile, JSON.stringify(genesisToJson(exported.genesis)));
    const next = (name: string) => ({ config: { data_dir: join(net!.dir, name), genesis_file: genesisFile } });

    const a = await net.start('n0', 0, [], next('n0'));
    const b = await net.start('n1', 1, net.bootstrapOf('n0'), next('n1'));
    const from = Number(exported.height);
    // Read by height, not as the head: n0 may have made its first block while n1 started.
    for (const node of [a, b]) expect(toHex((await node.chain.blockAt(exported.height))!.hash)).toBe(toHex(exported.genesisHash));
    await waitForSameHead([a, b], from + 4);
    expect(b.chain.finalizedHeight).toBeGreaterThan(exported.height);

    const late = await net.start('late', null, net.bootstrapOf('n0'), next('late'));
    const reached = await waitForSameHead([a, late], height(a) + 1);
    expect(reached).toBeGreaterThan(from + 4);
    expect(toHex((await late.chain.blockAt(exported.height + 1n))!.header.parentHash)).toBe(toHex(exported.genesisHash));
  });
});
