/**
 * A small network of Linux network namespaces for partition tests (iproute2's `ip netns`, veth
 * pairs and bridges; needs root). Layout, for N nodes split into a left and a right half:
 *
 *   node ns i: eth1 10.77.0.(10+i)/24 (peer-to-peer)  ──veth──  bridge bL or bR  (in the switch ns)
 *              mgmt <api net>.i.2/30  ──veth──  host <api net>.i.1 (the test reaches the API here)
 *   switch ns: bL ──veth "trunk" (tL/tR)── bR
 *
 * `cut()` sets the trunk down: the halves no longer reach each other, while every node keeps its
 * own links and its API stays reachable from the test. TCP connections across the cut are not
 * closed, they stall, as on a real network; `heal()` sets the trunk up again.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export class NetnsError extends Error {}

async function ip(...args: string[]): Promise<string> {
  try {
    return (await exec('ip', args, { timeout: 10_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new NetnsError(`\`ip ${args.join(' ')}\` failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** Whether namespaces work here; else the exact command and error that failed. */
export async function probeNetns(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { ok: false, reason: `\`ip netns add\` needs root (uid ${process.getuid?.()})` };
  const name = `dchat-probe-${process.pid}`;
  try {
    await ip('netns', 'add', name);
    await ip('-n', name, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1');
    await ip('-n', name, 'link', 'add', 'b0', 'type', 'bridge');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    await ip('netns', 'del', name).catch(() => undefined);
  }
}

export interface NodeNet {
  /** The node's namespace. */
  readonly ns: string;
  /** Its peer-to-peer address (reachable from the nodes of its half, and of the other while healed). */
  readonly p2pHost: string;
  /** Its API address, reachable from the test's (host) namespace at all times. */
  readonly apiHost: string;
  /** The host's end of the management link: where the test's API requests come from. */
  readonly apiClient: string;
}

export class NetnsTopology {
  readonly nodes: NodeNet[];
  private readonly id: string;
  private readonly switchNs: string;
  private readonly hostLinks: string[];
  private cutNow = false;

  private constructor(id: string, nodes: NodeNet[], hostLinks: string[]) {
    this.id = id;
    this.nodes = nodes;
    this.switchNs = `dchat-${id}-sw`;
    this.hostLinks = hostLinks;
  }

  /** Builds the namespaces: nodes 0..left-1 on the left bridge, the rest on the right. */
  static async create(count: number, left: number): Promise<NetnsTopology> {
    const id = String(process.pid % 100_000);
    const apiNet = `10.${200 + (process.pid % 50)}`;
    const nodes = Array.from({ length: count }, (_, i): NodeNet => ({ ns: `dchat-${id}-n${i}`, p2pHost: `10.77.0.${10 + i}`, apiHost: `${apiNet}.${i}.2`, apiClient: `${apiNet}.${i}.1` }));
    const hostLinks = nodes.map((_, i) => `dcm${id}x${i}`);
    const topology = new NetnsTopology(id, nodes, hostLinks);
    // Leftovers of an earlier run with the same id (one killed before its cleanup) go first.
    await topology.destroy();
    try {
      await topology.build(left, apiNet);
    } catch (err) {
      await topology.destroy();
      throw err;
    }
    return topology;
  }

  private async build(left: number, apiNet: string): Promise<void> {
    const sw = this.switchNs;
    await ip('netns', 'add', sw);
    for (const bridge of ['bL', 'bR']) {
      await ip('-n', sw, 'link', 'add', bridge, 'type', 'bridge');
      await ip('-n', sw, 'link', 'set', bridge, 'up');
    }
    await ip('-n', sw, 'link', 'add', 'tL', 'type', 'veth', 'peer', 'name', 'tR');
    await ip('-n', sw, 'link', 'set', 'tL', 'master', 'bL');
    await ip('-n', sw, 'link', 'set', 'tR', 'master', 'bR');
    await ip('-n', sw, 'link', 'set', 'tL', 'up');
    await ip('-n', sw, 'link', 'set', 'tR', 'up');
    for (const [i, node] of this.nodes.entries()) {
      await ip('netns', 'add', node.ns);
      await ip('-n', node.ns, 'link', 'set', 'lo', 'up');
      // Data plane: eth1 in the node, d<i> on its half's bridge.
      await ip('-n', sw, 'link', 'add', `d${i}`, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', node.ns);
      await ip('-n', sw, 'link', 'set', `d${i}`, 'master', i < left ? 'bL' : 'bR');
      await ip('-n', sw, 'link', 'set', `d${i}`, 'up');
      await ip('-n', node.ns, 'addr', 'add', `${node.p2pHost}/24`, 'dev', 'eth1');
      await ip('-n', node.ns, 'link', 'set', 'eth1', 'up');
      // Management: the API, from the host namespace.
      const hostLink = this.hostLinks[i]!;
      await ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'mgmt', 'netns', node.ns);
      await ip('addr', 'add', `${apiNet}.${i}.1/30`, 'dev', hostLink);
      await ip('link', 'set', hostLink, 'up');
      await ip('-n', node.ns, 'addr', 'add', `${node.apiHost}/30`, 'dev', 'mgmt');
      await ip('-n', node.ns, 'link', 'set', 'mgmt', 'up');
    }
  }

  /** The command that runs `command` inside node i's namespace. */
  wrap(i: number, command: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.nodes[i]!.ns, ...command];
  }

  get isCut(): boolean {
    return this.cutNow;
  }

  /** Cuts the trunk between the halves. */
  async cut(): Promise<void> {
    await ip('-n', this.switchNs, 'link', 'set', 'tL', 'down');
    await ip('-n', this.switchNs, 'link', 'set', 'tR', 'down');
    this.cutNow = true;
  }

  async heal(): Promise<void> {
    await ip('-n', this.switchNs, 'link', 'set', 'tL', 'up');
    await ip('-n', this.switchNs, 'link', 'set', 'tR', 'up');
    this.cutNow = false;
  }

  /** Removes every namespace and host link this topology made (processes must be stopped first). */
  async destroy(): Promise<void> {
    for (const link of this.hostLinks) await ip('link', 'del', link).catch(() => undefined);
    for (const node of this.nodes) await ip('netns', 'del', node.ns).catch(() => undefined);
    await ip('netns', 'del', this.switchNs).catch(() => undefined);
  }

  /** What this topology is, for reports. */
  describe(): Record<string, unknown> {
    return { id: this.id, switchNs: this.switchNs, nodes: this.nodes, trunk: 'tL <-> tR (veth between bridges bL and bR)' };
  }
}
