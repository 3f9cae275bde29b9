/**
 * The API listens on loopback unless configured otherwise (docs/protocol.md §16): a node started with the default
 * config refuses a connection made to a non-loopback address of this machine (ECONNREFUSED: nothing
 * listens there), while loopback works; with `api_host: 0.0.0.0` the same non-loopback address is
 * answered. The non-loopback address is the first non-internal IPv4 address of this machine
 * (os.networkInterfaces()); on a machine without one the check is skipped and says so.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { type Logger, pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { removeTempDirs, tempDir } from '../../e2e/cli/harness.ts';
import { http } from '../support/http.ts';
import { writeReport } from '../support/report.ts';

const external = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address ?? null;
if (external === null) process.stdout.write('[reliability] api-host: no non-loopback IPv4 address on this machine; the refusal check is skipped\n');
const nodes: DchatNode[] = [];
const report: Record<string, unknown> = { nonLoopbackAddress: external };

afterAll(async () => {
  for (const node of nodes) await node.close();
  removeTempDirs();
  writeReport('api-host', report);
});

async function devNode(settings: Record<string, unknown>, logger: Logger = createLogger('silent', false)): Promise<{ node: DchatNode; port: number }> {
  const node = await DchatNode.init(loadConfig({ dev: true, data_dir: tempDir('dchat-apihost-'), api_port: 0, log_level: 'silent', ...settings }), { logger });
  nodes.push(node);
  return { node, port: Number(new URL(node.apiUrl).port) };
}

/** Opens a TCP connection; resolves 'connected' or the error code. */
function tcp(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.end();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('the API listens on loopback unless configured', () => {
  it.skipIf(external === null)('default config: loopback answers, a non-loopback address of this machine is refused (ECONNREFUSED)', async () => {
    const { node, port } = await devNode({});
    expect(node.config.apiHost).toBe('127.0.0.1');
    expect((await http(`http://127.0.0.1:${port}`, '/v1/node')).status).toBe(200);
    const outcome = await tcp(external!, port);
    expect(outcome).toBe('ECONNREFUSED');
    report.defaultConfig = { apiHost: node.config.apiHost, loopback: 'answered', [external!]: outcome };
  });

  it.skipIf(external === null)('api_host 0.0.0.0: the non-loopback address is answered, with a warning at start; /v1/dev/* only over loopback', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const { port } = await devNode({ api_host: '0.0.0.0' }, logger);
    expect(lines.map((l) => JSON.parse(l) as { level: number; msg: string })).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringMatching(/listens beyond loopback/) }));
    expect(await tcp(external!, port)).toBe('connected');
    const reply = await http(`http://${external}:${port}`, '/v1/node');
    expect(reply.status).toBe(200);
    const remote = await http(`http://${external}:${port}`, '/v1/dev/produce-block', { method: 'POST' });
    expect(remote.status).toBe(403);
    expect(remote.body).toMatchObject({ code: 'LoopbackOnly' });
    const local = await http(`http://127.0.0.1:${port}`, '/v1/dev/produce-block', { method: 'POST' });
    expect(local.status).toBe(200);
    report.openConfig = { apiHost: '0.0.0.0', [external!]: reply.status, devRouteRemote: remote.status, devRouteLoopback: local.status, warned: true };
  });

  it('the default loopback API starts without that warning', async () => {
    const lines: string[] = [];
    await devNode({}, pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }));
    expect(lines.filter((l) => l.includes('beyond loopback'))).toEqual([]);
  });
});
