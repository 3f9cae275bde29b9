/**
 * Proofs over the API (issue 14): a state value with its proof against a final header
 * (docs/protocol.md §18.4), for light clients (src/light) that trust only a genesis; the headers
 * that make it final are light.ts's. Each answer's cost is bounded by the tree's depth and the
 * validator count, never by the chain's age.
 */
import type { ChainView } from '../../../chain/chain-view.ts';
import { decodeStateValue } from '../../../chain/codec/state.ts';
import { toHex } from '../../../chain/crypto.ts';
import { SYSTEM_ACCOUNT_IDS, type SystemAccountName, accountKey } from '../../../tokenomics/index.ts';
import { plain } from '../../http/plain.ts';
import { headerJson } from '../json.ts';
import { blockOrThrow } from './blocks.ts';
import { params, query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

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

};
