/**
 * "Say it once per peer per window": a peer that repeats the same offence a thousand times a second
 * gets one log line per window, carrying the number of repeats, instead of a thousand lines (a log
 * flood is a cost the peer would otherwise put on us). Bounded: at most `maxKeys` keys remembered,
 * the oldest forgotten first. Time comes from the injected clock.
 */
export interface OncePerWindowOptions {
  readonly windowMs: number;
  readonly maxKeys?: number;
}

interface Entry {
  /** When the last line for this key was written. */
  loggedMs: number;
  /** Occurrences since (and including) that line's, not yet reported. */
  suppressed: number;
}

export class OncePerWindow {
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly nowMs: () => number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: OncePerWindowOptions, nowMs: () => number) {
    this.windowMs = options.windowMs;
    this.maxKeys = options.maxKeys ?? 1_024;
    this.nowMs = nowMs;
  }

  /**
   * Records one occurrence for `key`. Returns the number of occurrences the caller should report
   * now (this one and those kept quiet since the last line), or 0 when this one is to stay quiet.
   */
  occur(key: string): number {
    const now = this.nowMs();
    const entry = this.entries.get(key);
    if (entry !== undefined && now - entry.loggedMs < this.windowMs) {
      entry.suppressed++;
      return 0;
    }
    const count = (entry?.suppressed ?? 0) + 1;
    this.entries.delete(key);
    this.entries.set(key, { loggedMs: now, suppressed: 0 });
    if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
    return count;
  }
}
