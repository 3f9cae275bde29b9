/** Typed errors become HTTP statuses in one place (src/node/http/errors.ts): the request's fault 4xx, the node's 5xx. */
import { describe, expect, it } from 'vitest';
import { ChainError, ChainErrorCode } from '../../../../src/chain/errors.ts';
import { toApiError } from '../../../../src/node/http/errors.ts';
import { ErrorCode, TokenError } from '../../../../src/tokenomics/index.ts';

const statusOf = (err: unknown): number | undefined => toApiError(err)?.status;

describe('API error statuses', () => {
  it('answers 500 for a damaged store or failing block steps: the node is at fault, not the request', () => {
    expect(statusOf(new ChainError(ChainErrorCode.StoreCorrupt, 'The state tree lacks a node.'))).toBe(500);
    expect(statusOf(new ChainError(ChainErrorCode.BlockStepsFailed, 'The block steps failed.'))).toBe(500);
  });

  it('keeps the code and sentence, and answers 4xx for what the request got wrong', () => {
    const api = toApiError(new ChainError(ChainErrorCode.StoreCorrupt, 'The state tree lacks a node.'))!;
    expect(api.code).toBe('StoreCorrupt');
    expect(api.message).toBe('The state tree lacks a node.');
    expect(statusOf(new ChainError(ChainErrorCode.MalformedBytes, 'Malformed tx.'))).toBe(400);
    expect(statusOf(new ChainError(ChainErrorCode.Pruned, 'Pruned.'))).toBe(410);
    expect(statusOf(new TokenError(ErrorCode.InvalidNonce, 'Nonce 3 expected.'))).toBe(409);
  });
});
