/**
 * /v1/openapi.json against the node that serves it: `redocly lint` finds no error and no warning
 * in it, and every JSON route's real response (on a dev chain holding a transfer, a listing and a
 * purchase) conforms strictly to the schema the document declares, undeclared fields included.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTx } from '../../../src/chain/codec/tx.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { type NodeKey, readKeyFile } from '../../../src/node/key-files.ts';
import { IdSource, type Operation } from '../../../src/tokenomics/index.ts';
import { namedKey } from '../../unit/chain/chain-fixture.ts';
import { type DevNode, startDevNode } from '../../e2e/cli/harness.ts';
import { api, postTx, waitFor } from '../node-client.ts';
import { type OpenApiDoc, conformance, declaredSchema } from './openapi-check.ts';

const REDOCLY = join(process.cwd(), 'node_modules/.bin/redocly');
let dev: DevNode;
let doc: OpenApiDoc;
/** Concrete values for the path parameters of the document's routes. */
const values = new Map<string, string>();
/** Query strings for the routes that require one. */
const queries = new Map<string, string>([['/v1/proofs/state', `?key=${Buffer.from('meta:supply', 'ascii').toString('hex')}`]]);
const checked = new Set<string>();

async function check(method: string, path: string, url: string, init?: RequestInit): Promise<void> {
  const reply = await api(dev.url, url, init);
  const status = reply.status;
  const schema = declaredSchema(doc, path, method, status);
  expect(schema, `${method} ${path} declares no JSON schema for status ${status}`).toBeDefined();
  expect({ route: `${method} ${url}`, problems: conformance(doc, schema!, reply.body) }).toEqual({ route: `${method} ${url}`, problems: [] });
  checked.add(`${method} ${path} ${status}`);
}

beforeAll(async () => {
  dev = await startDevNode();
  const devKey = readKeyFile(dev.node.dev!.devKeyFile);
  const buyer = namedKey(77);
  const submit = async (key: { publicKeyHex: string; secretKey: NodeKey['secretKey'] }, nonce: bigint, op: Operation): Promise<string> => {
    const tx = signTx({ chainId: 'dchat-dev', signer: key.publicKeyHex, nonce, op }, key.secretKey);
    const reply = await postTx(dev.url, tx.bytes);
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const hash = toHex(tx.hash);
    const status = await waitFor('inclusion', async () => ((await api(dev.url, `/v1/txs/${hash}`)).body.status === 'included' ? true : undefined));
    expect(status).toBe(true);
    return hash;
  };
  const transfer = await submit(devKey, 0n, { type: 'transfer', to: buyer.wallet, amount: 1_000_000n });
  const listing = await submit(devKey, 1n, { type: 'create-listing', title: 'A sticker', price: 500n, quantity: 3n });
  const listingId = IdSource.forTx(listing).id('listing');
  const purchase = await submit({ publicKeyHex: buyer.hex, secretKey: buyer.secretKey }, 0n, { type: 'buy', listingId, quantity: 1n });
  // A proposal in its voting period with one vote: its route shows deposits, a running tally and a page of votes.
  await submit(devKey, 2n, { type: 'stake', amount: 10_000n });
  const proposal = await submit(devKey, 3n, { type: 'submit-proposal', kind: 'param-change', payload: { name: 'burn_rate_bps', value: 200n }, title: 'Burn 2 %', deposit: 1_000n });
  const proposalId = IdSource.forTx(proposal).id('proposal');
  await submit(devKey, 4n, { type: 'vote', proposalId, option: 'yes' });
  values.set('/v1/proposals/{id}', proposalId);
  values.set('/v1/accounts/{id}', devKey.walletId);
  values.set('/v1/proofs/accounts/{id}', devKey.walletId);
  values.set('/v1/pools/{id}', String((await api<{ id: string }[]>(dev.url, '/v1/pools')).body[0]!.id));
  values.set('/v1/listings/{id}', listingId);
  values.set('/v1/purchases/{id}', IdSource.forTx(purchase).id('purchase'));
  values.set('/v1/txs/{hash}', transfer);
  values.set('/v1/blocks/{height}', String((await api(dev.url, `/v1/txs/${transfer}`)).body.height));
  doc = (await api(dev.url, '/v1/openapi.json')).body as unknown as OpenApiDoc;
});

afterAll(async () => {
  await dev?.close();
});

describe('the OpenAPI document', () => {
  it('passes redocly lint with no error and no warning', () => {
    expect(existsSync(REDOCLY), `no ${REDOCLY}: @redocly/cli is a devDependency (npm install)`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'dchat-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const lint = spawnSync(REDOCLY, ['lint', file, '--format=summary'], {
        encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
      const output = `${lint.stdout}${lint.stderr}`;
      expect({ status: lint.status, problems: output.split('\n').filter((l) => /^(error|warning)\s/.test(l)) }).toEqual({ status: 0, problems: [] });
      expect(output).toMatch(/Your API description is valid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares a response schema for every route: JSON ones a schema, pages and text their content type', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const ok = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
        expect(ok?.[1].content, `${method} ${path}`).toBeDefined();
      }
    }
  });

  it('every JSON route answers what it declares (strictly: no undeclared field)', async () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        if (declaredSchema(doc, path, method, method === 'post' && path === '/v1/txs' ? 202 : 200) === undefined) continue;
        if (method === 'post' && path.startsWith('/v1/txs')) continue; // checked below, with txs of their own
        const url = path.replace(/\{[a-z]+\}/, () => {
          const value = values.get(path);
          expect(value, `no test value for ${path}`).toBeDefined();
          return value!;
        }) + (queries.get(path) ?? '');
        await check(method, path, url, method === 'post' ? { method: 'POST' } : undefined);
      }
    }
    const buyer = namedKey(77);
    const tx = signTx({ chainId: 'dchat-dev', signer: buyer.hex, nonce: 1n, op: { type: 'transfer', to: buyer.wallet, amount: 10n } }, buyer.secretKey);
    await check('post', '/v1/txs', '/v1/txs', { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: Buffer.from(tx.bytes) });
    // A batch of the same tx again (rejected: a duplicate) and one that does not decode.
    await check('post', '/v1/txs/batch', '/v1/txs/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ txs: [toHex(tx.bytes), '00'] }) });
    // An error answers the Error schema its route declares.
    await check('get', '/v1/pools/{id}', '/v1/pools/00000000-0000-4000-8000-000000000000');
    await check('get', '/v1/proposals/{id}', '/v1/proposals/00000000-0000-4000-8000-000000000000');
    await check('get', '/v1/proposals/{id}', '/v1/proposals/not-a-uuid');
    // Every JSON route of the document was requested (none skipped silently).
    const json = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => declaredSchema(doc, path, m, m === 'post' && path === '/v1/txs' ? 202 : 200) !== undefined).map((m) => `${m} ${path}`));
    expect(json.filter((route) => ![...checked].some((c) => c.startsWith(`${route} 2`)))).toEqual([]);
    expect(json.length).toBeGreaterThan(25);
  });
});
