/**
 * A snapshot's values decoded as its chunks are installed (Chain.adoptSnapshot, docs/protocol.md
 * §20.5): the chain's memory state is made from them, so it does not read the million keys it just
 * wrote back from the store, and a value that does not decode refuses the snapshot before
 * anything is written. The validator set's pair is kept aside as it goes by.
 */
import { MemoryState, META_VALIDATORS, type StateValue } from '../../tokenomics/index.ts';
import { decodeStateValue } from '../codec/state.ts';
import { type StatePair, invalidSnapshot } from './format.ts';

export class SnapshotValues {
  private readonly entries: [string, StateValue][] = [];
  /** The `meta:validators` pair: its value's bytes and the value. */
  validators: { readonly bytes: Uint8Array; readonly value: StateValue } | undefined;

  add(pairs: readonly StatePair[]): void {
    for (const pair of pairs) {
      // latin1 over the key's own bytes, not a copy (state keys are ASCII, §8.1).
      const key = Buffer.from(pair.key.buffer, pair.key.byteOffset, pair.key.byteLength).toString('latin1');
      let value: StateValue;
      try {
        value = decodeStateValue(key, pair.value);
      } catch (err) {
        return invalidSnapshot(`The snapshot's value of key "${key}" does not decode: ${(err as Error).message}`);
      }
      this.entries.push([key, value]);
      if (key === META_VALIDATORS) this.validators = { bytes: pair.value, value };
    }
  }

  /** The memory state of every pair added (each key once: the snapshot's tree checks made sure). */
  state(): MemoryState {
    return new MemoryState(this.entries);
  }
}
