/**
 * Hands V8's freed heap pages back to the system after a one-time burst: building a large genesis
 * (a million accounts) allocates ~1 GB of short-lived objects, and after they are collected V8 keeps
 * the freed 256 KiB pages pooled for reuse. Measured (`node scripts/bench.ts --only=memory`, README
 * "Performance"): ~900 MiB of such pages stayed resident after the first start, half its RSS. A
 * last-resort collection releases the pool; the `gc` function it needs is taken from a fresh V8
 * context once (the flag exposes it there only, not as a global of this process).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

let gc: Gc | null = null;

/** Runs a last-resort major GC (synchronous, ~0.1–1 s on a large heap); false if V8 would not give one. */
export function releaseFreedHeap(): boolean {
  try {
    if (gc === null) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as Gc;
    }
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    return true;
  } catch {
    return false;
  }
}
