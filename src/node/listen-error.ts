/**
 * One sentence for a socket that cannot listen, the same for the p2p port and the API port: what
 * could not listen, why in plain words, and the flags that fix it.
 */
export function listenFailure(what: string, host: string, port: number, flag: string, err: unknown): string {
  const text = String((err as Error | undefined)?.message ?? err);
  const code = (err as { code?: unknown } | undefined)?.code;
  const has = (name: string): boolean => code === name || text.includes(name);
  const why = has('EADDRINUSE') ? 'the port is in use' : has('EADDRNOTAVAIL') ? 'no such local address' : has('EACCES') ? 'permission denied' : text.split('\n')[0];
  return `Cannot listen for ${what} on ${host} port ${port}: ${why}. Pass another --${flag}-port (0 picks a free one) or --${flag}-host.`;
}
