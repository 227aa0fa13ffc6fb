/**
 * "When do influence functions work?": each lesson's law in one sentence, and the results' plain
 * words on how far the trained model is from a minimum — all computed from the numbers on screen
 * (docs/method.md, the three laws).
 */
import type { ConvergencePoint, HorizonPoint, SizePoint } from '../../workers/protocol';
import { fmt } from './stats';

interface Point {
  fidelity: Record<string, { paramRelErr: number }>;
}
const err = (p: Point, key: string) => p.fidelity[key]?.paramRelErr ?? NaN;
const e2 = (x: number) => fmt(x, 2);
const mu = (x: number) => x.toExponential(0);

/**
 * Where driftOverResponse changes what influence steps at the trained model are worth, from the
 * convergence and size lessons measured (docs/method.md, "2. Convergence": 60 points on three data
 * sets): at or below DRIFT_NEAR IFRU beat the oracle-scaled gradient at all 15 points; between the
 * two it did worse at 11 of 37; above DRIFT_FAR at 5 of 8. The ratio is in units of the deletion,
 * so one model can sit on either side for different requests.
 */
export const DRIFT_NEAR = 30;
export const DRIFT_FAR = 100;

export interface StationarityFigures {
  gradOverSignal: number;
  driftOverResponse: number;
}

/** The results' sentence on stationarity: how far θ̂ is from a minimum of its own loss, and what that does. */
export function stationaritySentence(s: StationarityFigures): string {
  const figures = `its own gradient is ${fmtTimes(s.gradOverSignal)} the deletion's, and relaxed on all its data within the trust region it would move ${fmtTimes(s.driftOverResponse)} as far as the deletion moves it`;
  const recentred = 'IFRU (re-centred) takes its step where the model stops drifting instead.';
  if (s.driftOverResponse > DRIFT_FAR) {
    return `The trained model is still far from a minimum of its own loss for a deletion this size: ${figures}. An influence step taken at the trained model is linearised at a point that is still moving and can do worse than a scaled gradient; ${recentred}`;
  }
  if (s.driftOverResponse > DRIFT_NEAR) {
    return `The trained model is still drifting on its own against a deletion this size: ${figures}. At this drift an influence step taken at the trained model has done better or worse than a scaled gradient depending on the model; ${recentred}`;
  }
  return `The trained model is near enough to a minimum of its own loss for this deletion: ${figures}. At this drift influence steps at the trained model beat the oracle-scaled gradient in every lesson measured.`;
}

function fmtTimes(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2)}×`;
}

/** The horizon's law: IFRU's error (and re-centred's) from the shortest horizon (largest μ) to the longest. */
export function horizonLaw(points: HorizonPoint[]): string {
  if (points.length < 2) return '';
  const [short, long] = [points[0], points[points.length - 1]];
  const grows = err(long, 'ifru') > err(short, 'ifru');
  const from = (key: string) => `${e2(err(short, key))} → ${e2(err(long, key))}`;
  return (
    `From μ = ${mu(short.mu)} to μ = ${mu(long.mu)}, IFRU's error goes ${from('ifru')} (re-centred ${from('ifru-recentred')}, oracle-scaled gradient ${from('scaledGradient')}): ` +
    (grows
      ? 'the longer the horizon a deletion is answered over, the less a one-step update from the trained model follows it.'
      : 'on this request a longer horizon does not make the one-step update worse.')
  );
}

/** The convergence law: IFRU's error from the least to the most trained checkpoint, with Recall@20 and drift. */
export function convergenceLaw(points: ConvergencePoint[]): string {
  if (points.length < 2) return '';
  const [first, last] = [points[0], points[points.length - 1]];
  const at = (p: ConvergencePoint) =>
    `after ${p.epochs} epoch${p.epochs === 1 ? '' : 's'} (Recall@20 ${e2(p.recall20)}, drift ${fmtTimes(p.stationarity.driftOverResponse)} the response) it is ${e2(err(p, 'ifru'))}`;
  const falls = err(last, 'ifru') < err(first, 'ifru');
  const recentred = points.map((p) => err(p, 'ifru-recentred'));
  return (
    `IFRU's error ${falls ? 'falls with training' : 'does not fall with training here'}: ${at(first)}, ${at(last)}` +
    (falls ? ' — influence estimates work on a model near a minimum of its own loss' : '') +
    `; re-centred at θ_D it stays within ${e2(Math.min(...recentred))}–${e2(Math.max(...recentred))}.`
  );
}

/**
 * The size law: from the smallest deletion to the largest (by share of the training edges), IFRU's and
 * IFRU (re-centred)'s errors, and which of them grows — re-centring takes the model's own drift out,
 * so what still grows there is what a first-order answer leaves out of a larger deletion.
 */
export function sizeLaw(points: SizePoint[]): string {
  if (points.length < 2) return '';
  const sorted = [...points].sort((a, b) => a.share - b.share);
  const [small, large] = [sorted[0], sorted[sorted.length - 1]];
  const grows = (key: string) => err(large, key) > GROWS * err(small, key);
  const at = (p: SizePoint) => `${p.request} (${p.forgotten} interaction${p.forgotten === 1 ? '' : 's'}, ${pct(p.share)} of the training edges)`;
  const verdict = grows('ifru-recentred')
    ? 'even with the drift taken out, what a one-step update leaves out grows with the deletion’s share of the graph.'
    : grows('ifru')
      ? "IFRU's error grows with the size of the deletion; re-centred's does not."
      : 'on this model the one-step error does not grow with the size of the deletion.';
  return (
    `From ${at(small)} to ${at(large)}, IFRU's error goes from ${e2(err(small, 'ifru'))} to ${e2(err(large, 'ifru'))} ` +
    `and re-centred's from ${e2(err(small, 'ifru-recentred'))} to ${e2(err(large, 'ifru-recentred'))}: ${verdict}`
  );
}

/** An error "grows" over a lesson when its last value is this many times its first. */
const GROWS = 1.5;

/** A share as a percentage with two significant digits ("0.0042 %", "2 %"). */
export function pct(share: number): string {
  return `${+(share * 100).toPrecision(2)} %`;
}

/** The horizon's details, in sentences computed from the sweep. */
export function horizonLesson(points: HorizonPoint[], defaultMu: number, labels: Record<string, string> = {}): string[] {
  if (points.length === 0) return [];
  const at = (m: number) => points.reduce((a, b) => (Math.abs(Math.log(b.mu / m)) < Math.abs(Math.log(a.mu / m)) ? b : a));
  const out: string[] = [];
  const big = points[0];
  out.push(
    `At μ = ${mu(big.mu)} the trust region is tight: IFRU's error is ${e2(err(big, 'ifru'))} and the oracle-scaled gradient's ${e2(err(big, 'scaledGradient'))} — ` +
      (err(big, 'scaledGradient') < 3 * err(big, 'ifru') ? 'the update is nearly a scaled gradient and the Hessian barely matters.' : 'the Hessian already shapes the step.'),
  );
  const d = at(defaultMu);
  out.push(
    `At the default μ = ${mu(d.mu)}: IFRU ${e2(err(d, 'ifru'))}, re-centred ${e2(err(d, 'ifru-recentred'))}, IF-direct ${e2(err(d, 'if'))}, the fast Hessian ${e2(err(d, 'ifru-fast'))}, the scaled gradient ${e2(err(d, 'scaledGradient'))}. ` +
      (err(d, 'ifru') < err(d, 'if') ? 'The spillover term earns its place' : 'Spillover does not help on this request') +
      (err(d, 'ifru') < err(d, 'ifru-fast') ? '; the exact Hessian beats the raw-row one.' : '; the raw-row Hessian does as well here.'),
  );
  const broken = points.find((p) => p.negativeCurvature.length > 0);
  if (broken) {
    // The error quoted is that of the methods whose solve met the negative curvature, by their names
    // (it quoted IFRU's exact-Hessian error after naming only ifru-fast).
    const name = (k: string) => labels[k] ?? k;
    const worst = (k: string) => e2(Math.max(...points.filter((p) => p.mu <= broken.mu).map((p) => err(p, k))));
    out.push(
      `From μ = ${mu(broken.mu)} down, CG meets negative curvature in ${broken.negativeCurvature.map(name).join(', ')}: θ̂ is a trained model, not a minimum, and the one-shot step breaks (from there on, ${broken.negativeCurvature.map((k) => `${name(k)}'s error reaches ${worst(k)}`).join('; ')}). A longer horizon needs the retraining it was meant to avoid.`,
    );
  } else {
    out.push(`No negative curvature met down to μ = ${mu(points[points.length - 1].mu)}.`);
  }
  return out;
}
