/** The OpenAPI document built from recorded routes, and schema errors as sentences. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { validationError } from '../../../../src/node/http/errors.ts';
import { openApiDocument, trackRoutes } from '../../../../src/node/api/openapi.ts';
import { params, query, ref } from '../../../../src/node/api/schemas.ts';
import '../../../../src/node/api/routes/route.ts';

describe('OpenAPI document', () => {
  it('records every route registered after tracking starts, with parameters and responses', async () => {
    const app = Fastify();
    const routes = trackRoutes(app);
    app.get('/v1/pools/:id', { schema: { summary: 'one pool', tags: ['pools'], params: params.uuid }, config: { openapi: { responses: { 200: ref('Pool') } } } }, async () => ({}));
    app.get('/v1/history/mints', { schema: { summary: 'mints', querystring: query.mints } }, async () => []);
    app.get('/metrics', async () => '');
    await app.ready();
    const doc = openApiDocument(routes, '1.2.3') as { info: { version: string }; paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.info.version).toBe('1.2.3');
    expect(Object.keys(doc.paths)).toEqual(['/v1/pools/{id}', '/v1/history/mints', '/metrics']);
    expect(Object.keys(doc.paths['/v1/pools/{id}']!)).toEqual(['get']); // no HEAD twin
    expect(doc.paths['/v1/pools/{id}']!.get).toMatchObject({
      summary: 'one pool',
      tags: ['pools'],
      parameters: [{ name: 'id', in: 'path', required: true }],
      responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pool' } } } } },
    });
    expect((doc.paths['/v1/history/mints']!.get!.parameters as { name: string; required: boolean }[]).map((p) => [p.name, p.required])).toEqual([
      ['limit', false], ['reason', false], ['before_height', false], ['account', false], ['cursor', false],
    ]);
    expect(doc.paths['/metrics']!.get).toMatchObject({ summary: 'GET /metrics', responses: { 200: { description: 'OK' } } });
    await app.close();
  });

  it('turns the first schema violation into a sentence naming the field', () => {
    expect(validationError([{ keyword: 'maximum', instancePath: '/limit', schemaPath: '', params: { limit: 1000 }, message: 'must be <= 1000' }], 'querystring').message)
      .toBe('The query parameter limit must be <= 1000.');
    expect(validationError([{ keyword: 'enum', instancePath: '/reason', schemaPath: '', params: { allowedValues: ['a', 'b'] }, message: 'x' }], 'querystring').message)
      .toBe('The query parameter reason must be one of a, b.');
    expect(validationError([{ keyword: 'pattern', instancePath: '/id', schemaPath: '', params: {}, message: 'x' }], 'params').message)
      .toBe('The path parameter id is not in the expected form.');
  });
});
