/** Time left for a phase from how fast its fraction has moved since the phase was first seen. */
export interface PhaseClock {
  /** When the phase was first seen (ms) and its fraction then. */
  t0: number;
  f0: number;
}

/** Milliseconds left, or null while there is too little progress to tell. */
export function etaMs(clock: PhaseClock, now: number, fraction: number): number | null {
  const df = fraction - clock.f0;
  const dt = now - clock.t0;
  if (!(fraction < 1) || !(df >= 0.02) || dt < 250) return null;
  return (dt * (1 - fraction)) / df;
}

export function fmtEta(ms: number | null): string {
  if (ms === null) return 'estimating…';
  if (ms < 1000) return 'less than a second left';
  const s = Math.round(ms / 1000);
  if (s < 90) return `about ${s} s left`;
  return `about ${Math.round(s / 60)} min left`;
}
