/** The one place typed errors become HTTP statuses and `{ code, message }` bodies. */
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';
import { ErrorCode, TokenError } from '../../tokenomics/index.ts';

const STATUS: Record<string, number> = {
  [ChainErrorCode.MempoolFull]: 503,
  [ChainErrorCode.DuplicateTx]: 409,
  [ChainErrorCode.TxTooLarge]: 413,
  [ChainErrorCode.FutureSlot]: 409,
  [ErrorCode.InvalidNonce]: 409,
  [ErrorCode.UnknownPool]: 404,
  [ErrorCode.UnknownAllocation]: 404,
  [ErrorCode.UnknownSchedule]: 404,
  [ErrorCode.Unauthorized]: 403,
  NotFound: 404,
  BadRequest: 400,
  NotDevMode: 404,
};

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = STATUS[code] ?? 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof ChainError || err instanceof TokenError) return new ApiError(err.code, err.message);
  const fastifyError = err as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return new ApiError('BadRequest', fastifyError.message ?? 'Bad request.', fastifyError.statusCode);
  }
  return null;
}
