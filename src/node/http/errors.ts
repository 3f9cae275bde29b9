/** The one place typed errors become HTTP statuses and `{ code, message }` bodies. */
import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js';
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';
import { CodedError, ErrorCode, TokenError } from '../../tokenomics/index.ts';

const STATUS: Record<string, number> = {
  [ChainErrorCode.MempoolFull]: 503,
  [ChainErrorCode.DuplicateTx]: 409,
  [ChainErrorCode.TxTooLarge]: 413,
  [ChainErrorCode.FutureSlot]: 409,
  [ChainErrorCode.UnknownHeight]: 404,
  [ChainErrorCode.HeightNotRetained]: 410,
  [ChainErrorCode.Pruned]: 410,
  // The node's own fault, never the request's: a damaged store, or block steps failing on its state.
  [ChainErrorCode.StoreCorrupt]: 500,
  [ChainErrorCode.BlockStepsFailed]: 500,
  [ErrorCode.InvalidNonce]: 409,
  [ErrorCode.UnknownPool]: 404,
  [ErrorCode.UnknownListing]: 404,
  [ErrorCode.UnknownPurchase]: 404,
  [ErrorCode.UnknownAllocation]: 404,
  [ErrorCode.UnknownSchedule]: 404,
  [ErrorCode.UnknownProposal]: 404,
  [ErrorCode.Unauthorized]: 403,
  NotFound: 404,
  BadRequest: 400,
  NotDevMode: 404,
  RateLimited: 429,
  Overloaded: 503,
  LoopbackOnly: 403,
  ResumeTooOld: 410,
};

export class ApiError extends CodedError<string> {
  readonly status: number;

  constructor(code: string, message: string, status = STATUS[code] ?? 400) {
    super(code, message);
    this.status = status;
  }
}

export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof ChainError || err instanceof TokenError) return new ApiError(err.code, err.message);
  const fastifyError = err as { statusCode?: number; code?: string; message?: string };
  // A body over the server's bodyLimit can be no transaction (docs/protocol.md §3.3 bounds what a block carries).
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError(ChainErrorCode.TxTooLarge, `The request body is larger than the API accepts: ${fastifyError.message ?? ''}`.trim());
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return new ApiError('BadRequest', fastifyError.message ?? 'Bad request.', fastifyError.statusCode);
  }
  return null;
}

const WHERE: Record<SchemaErrorDataVar, string> = { params: 'path parameter', querystring: 'query parameter', body: 'body field', headers: 'header' };

/** fastify's schemaErrorFormatter: the first schema violation as a sentence naming the field. */
export function validationError(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  const first = errors[0];
  if (first === undefined) return new ApiError('BadRequest', `Invalid ${dataVar}.`);
  const field = first.instancePath.replace(/^\//, '').replaceAll('/', '.') || String(first.params.missingProperty ?? first.params.additionalProperty ?? dataVar);
  const allowed = first.params.allowedValues;
  const problem = Array.isArray(allowed)
    ? `must be one of ${allowed.join(', ')}`
    : first.keyword === 'pattern' ? 'is not in the expected form' : (first.message ?? 'is invalid');
  return new ApiError('BadRequest', `The ${WHERE[dataVar]} ${field} ${problem}.`);
}
