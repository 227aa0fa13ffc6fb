import seedrandom from 'seedrandom';

/** A seeded pseudo-random source; the same seed always gives the same sequence. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1), Box–Muller. */
  normal(): number;
  /** Fisher–Yates shuffle in place; returns its argument. */
  shuffle<A extends { length: number; [k: number]: unknown }>(arr: A): A;
}

export function makeRng(seed: number | string): Rng {
  const prng = seedrandom(String(seed));
  // Box–Muller yields two independent normals per draw; the second is kept for the next call.
  let spare: number | null = null;
  const next = (): number => prng();
  const int = (n: number): number => Math.floor(prng() * n);
  return {
    next,
    int,
    normal(): number {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return z;
      }
      let u = 0;
      while (u === 0) u = prng();
      const v = prng();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    shuffle<A extends { length: number; [k: number]: unknown }>(arr: A): A {
      for (let k = arr.length - 1; k > 0; k--) {
        const j = int(k + 1);
        const t = arr[k];
        arr[k] = arr[j];
        arr[j] = t;
      }
      return arr;
    },
  };
}
