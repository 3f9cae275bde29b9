/**
 * Checks a real response against the schema /v1/openapi.json declares for it, strictly: $refs and
 * allOf resolved into one schema, and every object with declared properties closed
 * (additionalProperties: false), so a field the document does not describe fails too.
 */
import { Ajv } from 'ajv';

type Schema = Record<string, unknown>;
export interface OpenApiDoc {
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  readonly components: { readonly schemas: Record<string, Schema> };
}

/** The schema with refs inlined, allOf merged and objects closed. */
export function strictSchema(doc: OpenApiDoc, schema: Schema): Schema {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return strictSchema(doc, doc.components.schemas[name]!);
  }
  if (Array.isArray(schema.allOf)) {
    const parts = (schema.allOf as Schema[]).map((part) => strictSchema(doc, part));
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => (p.required ?? []) as string[]),
      additionalProperties: false,
      ...(parts.some((p) => p.nullable === true) ? { nullable: true } : {}),
    };
  }
  const out: Schema = { ...schema };
  if (schema.properties !== undefined) {
    out.properties = Object.fromEntries(Object.entries(schema.properties as Record<string, Schema>).map(([k, v]) => [k, strictSchema(doc, v)]));
    if (schema.additionalProperties === undefined) out.additionalProperties = false;
  }
  if (typeof schema.additionalProperties === 'object') out.additionalProperties = strictSchema(doc, schema.additionalProperties as Schema);
  if (schema.items !== undefined) out.items = strictSchema(doc, schema.items as Schema);
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });

/** The declared JSON schema of a route's response, or undefined when it declares none. */
export function declaredSchema(doc: OpenApiDoc, path: string, method: string, status: number): Schema | undefined {
  return doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
}

/** Problems of `body` against the declared schema: [] when it conforms. */
export function conformance(doc: OpenApiDoc, schema: Schema, body: unknown): string[] {
  const validate = ajv.compile(strictSchema(doc, schema));
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
