/**
 * Fidelity: how closely a method's update reproduces the reference's (proximal.ts), by measures that
 * a wrong update fails — a random direction, no update, or a rescaled one scores worse:
 *  - paramRelErr = ‖Δ − Δ_ref‖ / ‖Δ_ref‖ and paramCos = cos(Δ, Δ_ref) of the layer-0 change Δ = θ' − θ̂
 *    on the kept rows (users removed by the request are excluded: every method resets them);
 *  - scoreRelErr: the same relative error for the change of the scores e_u · e_i of the users within
 *    two hops of the forgotten data against every item, on the new graph — what a recommender shows,
 *    and blind to the common rotation of all embeddings that leaves BPR unchanged;
 *  - perHop: mean movement ‖e_v' − e_v‖ of the propagated rows per hop, read beside the reference's.
 * The reference's model in the methods' frame is θ̂ + Δ_ref on Â'. Every method gets the graph change
 * Â → Â' for free in the scores; the graph-only baseline (θ̂ unchanged) shows how much that is.
 *
 * Baselines (computed once per request): graph-only (Δ = 0), random directions with the reference's row
 * norms, and the oracle-scaled gradient c·g with c = ⟨g, Δ_ref⟩ / ‖g‖² fitted to the reference.
 */
import { propagateCpu } from '../../lightgcn';
import { makeRng } from '../../rng';
import type { RequestContext, UnlearnPrep } from '../context';
import { movement } from './metrics';
import { endpointNodes, kHopNeighbourhood, type Neighbourhood } from './neighbourhood';
import { referenceEmbeddings, type ProximalReference } from '../reference/proximal';

export interface Fidelity {
  paramRelErr: number;
  paramCos: number;
  scoreRelErr: number;
  /** Mean movement of the propagated rows per hop 1..K (the reference's: FidelityProbe.refPerHop). */
  perHop: number[];
}

export interface FidelityProbe {
  prep: UnlearnPrep;
  req: RequestContext;
  hood: Neighbourhood;
  /** 1 for a row every method may move (not a removed user). */
  kept: Uint8Array;
  delta: Float32Array;
  deltaNorm: number;
  /** Users whose score changes are compared (within two hops of the forgotten data, not removed). */
  users: Int32Array;
  scoresBefore: Float64Array;
  refScoreChange: Float64Array;
  refScoreNorm: number;
  /** The reference's propagated model P'(θ̂ + Δ_ref), its movement from Pθ̂ and its per-hop means. */
  refE: Float32Array;
  refMove: Float32Array;
  refPerHop: number[];
}

/** Users scored: at most this many (a seeded sample beyond). */
export const SCORE_USERS = 256;

function scores(E: Float32Array, d: number, nUsers: number, nItems: number, users: Int32Array): Float64Array {
  const out = new Float64Array(users.length * nItems);
  for (let a = 0; a < users.length; a++) {
    const ou = users[a] * d;
    for (let i = 0; i < nItems; i++) {
      const oi = (nUsers + i) * d;
      let s = 0;
      for (let c = 0; c < d; c++) s += E[ou + c] * E[oi + c];
      out[a * nItems + i] = s;
    }
  }
  return out;
}

export function fidelityProbe(
  prep: UnlearnPrep,
  req: RequestContext,
  ref: ProximalReference,
  hood: Neighbourhood,
  seed = prep.cfg.seed,
): FidelityProbe {
  const d = prep.cfg.dim;
  const { nUsers, nItems } = prep.ds;
  const nNodes = prep.theta.length / d;
  const kept = new Uint8Array(nNodes).fill(1);
  for (const u of req.split.removedUsers) kept[u] = 0;
  let dd = 0;
  for (let v = 0; v < nNodes; v++) if (kept[v]) for (let c = v * d; c < v * d + d; c++) dd += ref.delta[c] * ref.delta[c];
  const near = kHopNeighbourhood(prep.graphOld, endpointNodes(req.split.forgotten, nUsers), 2).nodes;
  let users = Int32Array.from(Array.from(near).filter((v) => v < nUsers && kept[v]));
  if (users.length > SCORE_USERS) users = makeRng(`fidelity-users:${seed}`).shuffle(users).slice(0, SCORE_USERS).sort();
  const scoresBefore = scores(prep.Eold, d, nUsers, nItems, users);
  const refE = referenceEmbeddings(prep, req, ref.delta);
  const after = scores(refE, d, nUsers, nItems, users);
  const refScoreChange = after.map((x, k) => x - scoresBefore[k]);
  const refMove = refE.map((x, k) => x - prep.Eold[k]);
  return {
    prep,
    req,
    hood,
    kept,
    delta: ref.delta,
    deltaNorm: Math.sqrt(dd),
    users,
    scoresBefore,
    refScoreChange,
    refScoreNorm: Math.sqrt(refScoreChange.reduce((t, x) => t + x * x, 0)),
    refE,
    refMove,
    refPerHop: movement(refE, prep.Eold, d, hood, prep.cfg.layers).perHop,
  };
}

/**
 * The fidelity of a method's layer-0 embeddings θ' (E: their propagation on Â', computed here when
 * not given).
 */
export function fidelity(probe: FidelityProbe, theta: Float32Array, E?: Float32Array): Fidelity {
  const { prep, req, kept, delta } = probe;
  const d = prep.cfg.dim;
  let err = 0, dot = 0, nn = 0;
  for (let v = 0; v < kept.length; v++) {
    if (!kept[v]) continue;
    for (let c = v * d; c < v * d + d; c++) {
      const x = theta[c] - prep.theta[c];
      err += (x - delta[c]) ** 2;
      dot += x * delta[c];
      nn += x * x;
    }
  }
  const after = E ?? propagateCpu(req.graphNew, theta, d, prep.cfg.layers);
  const s = scores(after, d, prep.ds.nUsers, prep.ds.nItems, probe.users);
  let serr = 0;
  for (let k = 0; k < s.length; k++) serr += (s[k] - probe.scoresBefore[k] - probe.refScoreChange[k]) ** 2;
  return {
    paramRelErr: Math.sqrt(err) / probe.deltaNorm,
    paramCos: nn > 0 ? dot / (Math.sqrt(nn) * probe.deltaNorm) : 0,
    scoreRelErr: Math.sqrt(serr) / probe.refScoreNorm,
    perHop: movement(after, prep.Eold, d, probe.hood, prep.cfg.layers).perHop,
  };
}

export interface Baselines {
  graphOnly: { fidelity: Fidelity };
  /** A random direction in each kept row with the reference's own row norm: √2 in expectation
   *  (‖r − Δ‖² = ‖r‖² + ‖Δ‖² − 2⟨r, Δ⟩ with ‖r‖ = ‖Δ‖ and ⟨r, Δ⟩ ≈ 0), whichever methods ran. */
  random: { fidelity: Fidelity };
  /** c · g, c fitted to the reference (an oracle: no method knows c). */
  scaledGradient: { fidelity: Fidelity; c: number };
}

/**
 * The three baselines of a request, each a non-answer that a method must beat: no update, random
 * directions (matching the reference's row norms, so only the directions are wrong), and the
 * gradient scaled by the oracle's least-squares c.
 */
export function baselines(probe: FidelityProbe, g: Float32Array, seed = probe.prep.cfg.seed): Baselines {
  const { prep, kept, delta } = probe;
  const random = Float32Array.from(prep.theta);
  addRandomRows(random, delta, kept, prep.cfg.dim, seed);
  let gd = 0, gg = 0;
  for (let k = 0; k < g.length; k++) {
    if (!kept[Math.floor(k / prep.cfg.dim)]) continue;
    gd += g[k] * delta[k];
    gg += g[k] * g[k];
  }
  const c = gg > 0 ? gd / gg : 0;
  const scaled = Float32Array.from(prep.theta);
  for (let k = 0; k < g.length; k++) if (kept[Math.floor(k / prep.cfg.dim)]) scaled[k] += c * g[k];
  return {
    graphOnly: { fidelity: fidelity(probe, prep.theta) },
    random: { fidelity: fidelity(probe, random) },
    scaledGradient: { fidelity: fidelity(probe, scaled), c },
  };
}

/** Adds to each kept row of `theta` a seeded random direction with the norm of that row of `norms`. */
export function addRandomRows(theta: Float32Array, norms: Float32Array, kept: Uint8Array, d: number, seed: number): void {
  const rng = makeRng(`fidelity-random:${seed}`);
  const dir = new Float64Array(d);
  for (let v = 0; v < kept.length; v++) {
    if (!kept[v]) continue;
    const o = v * d;
    let target = 0, len = 0;
    for (let c = 0; c < d; c++) {
      target += norms[o + c] ** 2;
      dir[c] = rng.normal();
      len += dir[c] ** 2;
    }
    const s = Math.sqrt(target / len);
    for (let c = 0; c < d; c++) theta[o + c] += s * dir[c];
  }
}
