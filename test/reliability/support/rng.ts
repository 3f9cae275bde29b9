/**
 * A small seeded PRNG (sfc32) for the reliability suites: a failing fuzz case or kill schedule is
 * reproduced by running again with the seed the report names (DCHAT_FUZZ_SEED / DCHAT_CRASH_SEED).
 */
export class Rng {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = this.seed;
    for (let i = 0; i < 16; i++) this.u32();
  }

  /** A seed from the environment variable, else a fixed default (CI runs stay reproducible). */
  static fromEnv(name: string, fallback: number): Rng {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return new Rng(fallback);
    if (raw === 'random') return new Rng(Math.floor(Math.random() * 2 ** 32));
    if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a number or "random", got "${raw}"`);
    return new Rng(Number(raw));
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 2 ** 32;
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor(this.next() * n);
  }

  /** A whole number in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }

  /** A u64 biased to the edges (0, 1, powers of two and their neighbours, the maximum). */
  u64(): bigint {
    switch (this.int(4)) {
      case 0:
        return BigInt(this.int(300));
      case 1: {
        const bits = BigInt(this.range(1, 64));
        const edge = 1n << bits;
        return [edge - 1n, edge, edge + 1n][this.int(3)]! & 0xffff_ffff_ffff_ffffn;
      }
      case 2:
        return 0xffff_ffff_ffff_ffffn - BigInt(this.int(3));
      default:
        return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
    }
  }
}
