/**
 * Proofs over the API (issue 14): a state value with its proof against a final header
 * (docs/protocol.md §18.4), and the headers that make a block final (§14.2, §19), for light clients
 * (src/light) that trust only a genesis. Each answer's cost is bounded by the tree's depth and the
 * validator count, never by the chain's age.
 */
import type { ChainView } from '../../../chain/chain-view.ts';
import type { Block } from '../../../chain/codec/block.ts';
import { decodeStateValue } from '../../../chain/codec/state.ts';
import { toHex } from '../../../chain/crypto.ts';
import { SYSTEM_ACCOUNT_IDS, type SystemAccountName, accountKey } from '../../../tokenomics/index.ts';
import { ApiError } from '../../http/errors.ts';
import { plain } from '../../http/plain.ts';
import { headerJson } from '../json.ts';
import { params, query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

/** Headers on top of the asked block that the finality walk reads at most, beyond one per validator. */
export const FINALITY_SLACK = 64;

async function blockOrThrow(chain: ChainView, height: bigint): Promise<Block> {
  const block = await chain.blockAt(height);
  if (block === null) throw new ApiError('NotFound', `No block at height ${height}; the head is at ${chain.head.header.height}.`);
  return block;
}

async function proofJson(chain: ChainView, keyBytes: Uint8Array, height: bigint | undefined): Promise<Record<string, unknown>> {
  const key = Buffer.from(keyBytes).toString('latin1');
  const answer = await chain.proveState(keyBytes, height);
  // The signature travels with the block, not in the answer: the light client checks it.
  const block = await blockOrThrow(chain, answer.height);
  return {
    key,
    height: answer.height.toString(),
    value: answer.value === null ? null : decodedValue(key, answer.value),
    value_hex: answer.value === null ? null : toHex(answer.value),
    proof: toHex(answer.proof),
    header: headerJson(answer.header, block.signature, answer.blockHash),
  };
}

/** The value as JSON when its key is one of the state's (§8.1); a value of an unknown key stays raw only. */
function decodedValue(key: string, bytes: Uint8Array): unknown {
  try {
    return plain(decodeStateValue(key, bytes));
  } catch {
    return null;
  }
}

/**
 * The headers from `height` up to the first one above which blocks from more than 2/3 of the
 * validators are built (fork-choice.ts finalizedHeight, walked upward from one block).
 */
async function finalityJson(chain: ChainView, height: bigint | undefined): Promise<unknown> {
  const final = chain.finalizedHeight;
  const from = height ?? final;
  if (from > final) throw new ApiError('NotFinal', `Height ${from} is not final; the last final height is ${final}.`, 409);
  const validators = chain.validators().length;
  const first = await blockOrThrow(chain, from);
  const headers = [headerJson(first.header, first.signature, first.hash)];
  const proposers = new Set<string>();
  const top = chain.head.header.height;
  for (let h = from + 1n; h <= top && h <= from + BigInt(validators + FINALITY_SLACK); h++) {
    const block = await blockOrThrow(chain, h);
    headers.push(headerJson(block.header, block.signature, block.hash));
    proposers.add(block.header.proposer);
    if (proposers.size * 3 > validators * 2) return { height: from.toString(), final_height: final.toString(), headers };
  }
  throw new ApiError('NotFinal', `No blocks from more than 2/3 of the ${validators} validators within ${validators + FINALITY_SLACK} blocks above height ${from}.`, 409);
}

const heightOf = (text: string | undefined): bigint | undefined => (text === undefined ? undefined : BigInt(text));

export const proofRoutes: RouteModule = (app, { chain }) => {
  app.get<{ Params: { id: string }; Querystring: { height?: string } }>('/v1/proofs/accounts/:id', {
    schema: { summary: 'An account\'s record with its state proof and the header it is proven against (absent: a proof of absence)', tags: ['proofs'], params: params.account, querystring: query.proofHeight },
    config: { openapi: { responses: { 200: ref('AccountProof'), 400: ref('Error'), 404: ref('Error'), 410: ref('Error') } } },
  }, async (req) => {
    const given = req.params.id.toLowerCase();
    const id = SYSTEM_ACCOUNT_IDS[given as SystemAccountName] ?? given;
    return { id, ...(await proofJson(chain, new TextEncoder().encode(accountKey(id)), heightOf(req.query.height))) };
  });

  app.get<{ Querystring: { key: string; height?: string } }>('/v1/proofs/state', {
    schema: { summary: 'The value of any state key with its proof and the header it is proven against', tags: ['proofs'], querystring: query.stateProof },
    config: { openapi: { responses: { 200: ref('StateProof'), 400: ref('Error'), 404: ref('Error'), 410: ref('Error') } } },
  }, async (req) => {
    return proofJson(chain, Uint8Array.from(Buffer.from(req.query.key, 'hex')), heightOf(req.query.height));
  });

  app.get<{ Querystring: { height?: string } }>('/v1/light/finality', {
    schema: { summary: 'The headers, with signatures, from a block up to the one that makes it final', tags: ['proofs'], querystring: query.proofHeight },
    config: { openapi: { responses: { 200: ref('FinalityProof'), 400: ref('Error'), 404: ref('Error'), 409: ref('Error') } } },
  }, async (req) => finalityJson(chain, heightOf(req.query.height)));
};
