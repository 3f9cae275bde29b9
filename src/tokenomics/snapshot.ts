/**
 * Whole-state export and import (like a Cosmos genesis export): every key with its value as JSON,
 * bigints tagged as {"$n": "<decimal>"} so nothing is lost to floats. import(export(s)) equals s.
 */
import { ErrorCode, TokenError } from './errors.ts';
import { checkStateInvariants } from './invariants.ts';
import { MemoryState, type StateValue } from './state/store.ts';

export const SNAPSHOT_FORMAT = 'dchat-state/1';

export interface StateSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly entries: readonly [string, unknown][];
}

function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return { $n: value.toString() };
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === '$n') {
      const digits = obj.$n;
      if (typeof digits !== 'string' || !/^-?\d+$/.test(digits)) {
        throw new TokenError(ErrorCode.InvalidParameter, `Snapshot holds a malformed number ${JSON.stringify(digits)}.`);
      }
      return BigInt(digits);
    }
    return Object.fromEntries(keys.map((k) => [k, fromJson(obj[k])]));
  }
  return value;
}

export function exportState(state: MemoryState): StateSnapshot {
  return { format: SNAPSHOT_FORMAT, entries: state.sortedEntries().map(([key, value]) => [key, toJson(value)]) };
}

/** Rebuilds a state from a snapshot and checks every invariant before handing it out. */
export function importState(snapshot: StateSnapshot): MemoryState {
  if (snapshot?.format !== SNAPSHOT_FORMAT || !Array.isArray(snapshot.entries)) {
    throw new TokenError(ErrorCode.InvalidParameter, `Not a ${SNAPSHOT_FORMAT} snapshot.`);
  }
  const state = new MemoryState(snapshot.entries.map(([key, value]) => [key, fromJson(value) as StateValue]));
  checkStateInvariants(state);
  return state;
}
