/**
 * What a tx flood costs a node's CPU, measured the way issue 12 reported it: one validator as a
 * `dchat start` process, a raw libp2p peer sending 6,000 well-signed txs from keys that hold nothing
 * over 7 s; the node process's CPU time (utime + stime from /proc/<pid>/stat) over the flood and
 * 2 s after it, next to the same span with no flood. Linux only; the long run only
 * (`node scripts/reliability/run.ts flood`, DCHAT_FLOOD_CPU=1): it takes about 30 s. Prints the
 * figures and writes them to test-artifacts/reliability/gossip-flood-cpu.json. It uses nothing
 * but the node's API and the wire, so the same file measures an older node for comparison.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generateKeyPair as generateP2pKey } from '@libp2p/crypto/keys';
import { multiaddr } from '@multiformats/multiaddr';
import { afterAll, describe, expect, it } from 'vitest';
import { signTx } from '../../../src/chain/codec/tx.ts';
import { generateKeyPair, toHex } from '../../../src/chain/crypto.ts';
import { type P2pHost, createHost } from '../../../src/node/network/host.ts';
import { protocolNames } from '../../../src/node/network/protocols.ts';
import { http, nodeInfo, sleep, waitUntil } from '../support/http.ts';
import { ProcessNet } from '../support/process-net.ts';
import { envCount, writeReport } from '../support/report.ts';

const RUN = process.env.DCHAT_FLOOD_CPU === '1' && process.platform === 'linux';
const TXS = envCount('DCHAT_FLOOD_CPU_TXS', 6_000);
const FLOOD_MS = 7_000;
const SETTLE_MS = 2_000;
/** Linux reports process times in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

let net: ProcessNet | null = null;
let flooder: P2pHost | null = null;

afterAll(async () => {
  await Promise.resolve(flooder?.stop()).catch(() => undefined);
  await net?.close();
});

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the ") " split.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function cpuOver(pid: number, ms: number, during: () => Promise<void> = () => sleep(ms)): Promise<number> {
  const before = cpuSeconds(pid);
  const started = Date.now();
  await during();
  await sleep(Math.max(0, ms - (Date.now() - started)));
  return cpuSeconds(pid) - before;
}

describe.runIf(RUN)('the CPU a tx flood costs a node process', () => {
  it(`${TXS} zero-balance txs over ${FLOOD_MS / 1_000} s`, async () => {
    net = await ProcessNet.create({ nodes: 1, blockTimeMs: 1_000n, prefix: 'dchat-flood-cpu-' });
    net.start(0);
    const url = net.url(0);
    await waitUntil('the node producing', async () => Number((await nodeInfo(url)).head_height) >= 2, 30_000, 100);
    const pid = net.node(0).proc!.pid!;
    const chainId = (await nodeInfo(url)).chain_id;
    const names = protocolNames(chainId);
    const txs = Array.from({ length: TXS }, () => {
      const key = generateKeyPair();
      return signTx({ chainId, signer: toHex(key.publicKey), nonce: 0n, op: { type: 'transfer', to: randomUUID(), amount: 5n } }, key.secretKey).bytes;
    });
    const host = await createHost({
      privateKey: await generateP2pKey('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], announce: [], topics: [names.blocksTopic, names.txsTopic],
      maxMessageBytes: 4 * 1024 * 1024, isDenied: () => false, appScore: () => 0,
    });
    flooder = host;
    await host.start();
    host.services.pubsub.subscribe(names.blocksTopic);
    host.services.pubsub.subscribe(names.txsTopic);
    const { address } = net.node(0);
    await host.dial(multiaddr(`/ip4/${address.p2pHost}/tcp/${address.p2pPort}`));
    await waitUntil('the node subscribed, seen from the flooder', async () => host.services.pubsub.getSubscribers(names.txsTopic).length > 0, 10_000, 20);

    const idle = await cpuOver(pid, FLOOD_MS + SETTLE_MS);
    const heightBefore = Number((await nodeInfo(url)).head_height);
    let sent = 0;
    let cutOffAfter: number | null = null;
    const flood = await cpuOver(pid, FLOOD_MS + SETTLE_MS, async () => {
      const batch = Math.ceil(TXS / (FLOOD_MS / 50));
      const started = Date.now();
      while (sent < TXS) {
        for (const bytes of txs.slice(sent, sent + batch)) await host.services.pubsub.publish(names.txsTopic, bytes).catch(() => undefined);
        sent = Math.min(TXS, sent + batch);
        if (cutOffAfter === null && host.getConnections().length === 0) cutOffAfter = sent;
        await sleep(Math.max(0, (started + (sent / TXS) * FLOOD_MS) - Date.now()));
      }
    });
    const heightAfter = Number((await nodeInfo(url)).head_height);
    const peers = (await http<{ gossip_txs?: Record<string, number> }[]>(url, '/v1/peers')).body;
    const result = {
      txs: TXS, floodMs: FLOOD_MS, settleMs: SETTLE_MS, nodeCpuSecondsIdle: idle, nodeCpuSecondsFlood: flood,
      floodCostSeconds: Number((flood - idle).toFixed(2)), flooderCutOffAfterTxs: cutOffAfter,
      blocksDuringFlood: heightAfter - heightBefore, peersStillListed: peers.length,
    };
    process.stdout.write(`[gossip-flood-cpu] ${JSON.stringify(result)}\n`);
    writeReport('gossip-flood-cpu', result);
    expect(heightAfter).toBeGreaterThan(heightBefore);
  }, 120_000);
});
