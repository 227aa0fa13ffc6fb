/**
 * `npm run bench:unlearn`: the unlearning engine on the default data set (synthetic-ml100k,
 * generated in-process; --data small: synthetic-small trained as the app's class demo, lr 0.01,
 * batch 1024), for a whole-user and a partial deletion. Prints JSON lines:
 *  - {bench:'unlearn-setup', …}: data sizes, original training time and metrics, one-off cache time;
 *  - {bench:'unlearn-sweep', …} (with --sweep): IFRU movement vs the paired reference over damping ×
 *    CG iterations × Hessian — how the defaults were chosen;
 *  - {bench:'unlearn', request, method, …}: per method the speed-up over Retrain, Recall@20 ratio to
 *    Retrain, completeness and the movement figures;
 *  - {bench:'unlearn-reference', …}: the paired reference (per-hop movement, residual), the
 *    graph-only baseline and the noise floor;
 *  - {bench:'unlearn-timing', …}: IF / IFRU / IFRU-pruned timed --repeats times more: median and
 *    best wall time and speed-up over Retrain, median phases.
 * Flags: --data default|small (default), --epochs N (20), --backend wasm|cpu (wasm), --sweep,
 * --seed S (2024), --repeats R (9).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { buildDataset, generateSynthetic } from '../src/core/data';
import { propagateCpu } from '../src/core/lightgcn';
import { trainLightGCN } from '../src/core/train';
import { DEFAULT_LIGHTGCN, type Dataset, type LightGCNConfig } from '../src/core/types';
import {
  DEFAULT_REFERENCE,
  DEFAULT_UNLEARN_OPTIONS,
  influenceUnlearn,
  pairedReference,
  prepareRequest,
  prepareUnlearning,
  runUnlearning,
  type ForgetRequest,
  type UnlearnOptions,
  type UnlearnPrep,
} from '../src/core/unlearn';
import { movement, movementNeighbourhood } from '../src/core/unlearn/metrics';
import { makeRng } from '../src/core/rng';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'default' },
    epochs: { type: 'string', default: '20' },
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string', default: '2024' },
    sweep: { type: 'boolean', default: false },
    repeats: { type: 'string', default: '9' },
  },
});

const emit = (obj: Record<string, unknown>) => console.log(JSON.stringify(obj, (_, v) => (typeof v === 'number' ? round(v) : v)));
const round = (x: number) => (Number.isFinite(x) && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x);

function itemsOf(ds: Dataset, user: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < ds.train.u.length; k++) if (ds.train.u[k] === user) out.push(ds.train.i[k]);
  return out;
}

/** The user whose train count is closest to `target` (the prototype forgot a user of 232). */
function userNear(ds: Dataset, target: number): number {
  const count = new Int32Array(ds.nUsers);
  for (const u of ds.train.u) count[u]++;
  let best = 0;
  for (let u = 1; u < ds.nUsers; u++) if (Math.abs(count[u] - target) < Math.abs(count[best] - target)) best = u;
  return best;
}

async function sweep(prep: UnlearnPrep, name: string, request: ForgetRequest): Promise<void> {
  const req = prepareRequest(prep, request);
  const d = prep.cfg.dim;
  const L = prep.cfg.layers;
  try {
    const ref = await pairedReference(prep, req, DEFAULT_REFERENCE);
    const hood = movementNeighbourhood(prep.graphOld, req.split, L);
    type Variant = { method: 'if' | 'ifru' | 'ifru-pruned'; options: Partial<UnlearnOptions> };
    const grid: Variant[] = [];
    for (const hessian of ['fast', 'exact'] as const) {
      // Each exact HVP is a double backward through the propagation over all of D: seconds here.
      const dampings: UnlearnOptions['damping'][] = hessian === 'fast' ? ['auto', 1e-3, 3e-4, 1e-4, 3e-5, 1e-5] : [1e-4];
      const iters = hessian === 'fast' ? [2, 3, 5, 10] : [2, 5];
      for (const damping of dampings) for (const cgIters of iters) {
        const methods = hessian === 'fast' ? (['if', 'ifru', 'ifru-pruned'] as const) : (['ifru'] as const);
        for (const method of methods) grid.push({ method, options: { hessian, damping, cgIters } });
      }
    }
    for (const pruneQuantile of [0, 0.5, 0.8, 0.9]) for (const spilloverHops of ['all', 1, 0] as const) {
      grid.push({ method: 'ifru-pruned', options: { pruneQuantile, spilloverHops } });
    }
    for (const { method, options: o } of grid) {
      const options = { ...DEFAULT_UNLEARN_OPTIONS, ...o };
      const s = { spillover: method !== 'if', pruned: method === 'ifru-pruned' };
      const r = await influenceUnlearn({ prep, req, options }, s);
      const mv = movement(propagateCpu(req.graphNew, r.E0, d, L), prep.Eold, d, hood, L, ref.movement);
      emit({
        bench: 'unlearn-sweep', request: name, method, ...o,
        movementPearson: mv.pearson, movementCos: mv.medianCos, movementPerHop: mv.perHop,
        ms: r.ms, phases: r.phases, cgResidual: r.cgResidual, negativeCurvature: r.negativeCurvature, dampingUsed: r.damping,
        rowsTouched: r.rowsTouched, interactionsTouched: r.interactionsTouched,
      });
    }
  } finally {
    req.dispose();
  }
}

/**
 * One run per method is at the mercy of GC and of other processes on a shared machine: the
 * influence methods are timed again, `repeats` times each on a fresh request context, and the
 * median and the minimum are reported with their speed-ups over this run's Retrain.
 */
async function timing(prep: UnlearnPrep, name: string, request: ForgetRequest, retrainMs: number): Promise<void> {
  const methods = { if: { spillover: false, pruned: false }, ifru: { spillover: true, pruned: false }, 'ifru-pruned': { spillover: true, pruned: true } };
  for (const [method, s] of Object.entries(methods)) {
    const ms: number[] = [];
    const phases: Record<string, number[]> = {};
    for (let r = 0; r < Number(values.repeats); r++) {
      const req = prepareRequest(prep, request);
      try {
        const res = await influenceUnlearn({ prep, req, options: DEFAULT_UNLEARN_OPTIONS }, s);
        ms.push(res.ms);
        for (const [k, v] of Object.entries(res.phases ?? {})) (phases[k] ??= []).push(v);
      } finally {
        req.dispose();
      }
    }
    const median = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1];
    emit({
      bench: 'unlearn-timing', request: name, method, repeats: ms.length, retrainMs,
      msMedian: median(ms), msMin: Math.min(...ms), speedupMedian: retrainMs / median(ms), speedupBest: retrainMs / Math.min(...ms),
      phasesMedian: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)])),
    });
  }
}

async function main(): Promise<void> {
  await tf.setBackend(values.backend!);
  const seed = Number(values.seed);
  if (values.data !== 'default' && values.data !== 'small') throw new Error('--data must be default or small');
  const preset = values.data === 'small' ? 'synthetic-small' : 'synthetic-ml100k';
  const syn = generateSynthetic(preset, seed);
  const { dataset: ds } = buildDataset(syn.raw, { name: preset, seed });
  // The small preset as the app's class demo trains it (src/experiment.ts): the paper's lr 1e-3 and
  // batch 2048 need a hundred epochs on 5k edges.
  const demo = preset === 'synthetic-small' ? { lr: 0.01, batch: 1024 } : {};
  const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, ...demo, epochs: Number(values.epochs), seed, evalEvery: 0 };

  let t0 = performance.now();
  const trained = await trainLightGCN(ds, cfg);
  const trainMs = performance.now() - t0;
  const prep = await prepareUnlearning(ds, trained, cfg);
  t0 = performance.now();
  const noise = await trainLightGCN(ds, { ...cfg, seed: seed + 1 });
  emit({
    bench: 'unlearn-setup', data: preset, backend: tf.getBackend(), users: ds.nUsers, items: ds.nItems, train: ds.train.u.length,
    epochs: cfg.epochs, trainMs, recall20: trained.metrics.recall, ndcg20: trained.metrics.ndcg,
    noiseFloorTrainMs: performance.now() - t0, prepMs: prep.ms,
    defaults: DEFAULT_UNLEARN_OPTIONS, reference: DEFAULT_REFERENCE,
  });

  const user = userNear(ds, 232);
  const items = itemsOf(ds, user);
  const partialItems = makeRng(`bench-partial:${seed}`).shuffle(items.slice()).slice(0, 20);
  const requests: [string, ForgetRequest][] = [
    ['whole-user', { kind: 'user', user }],
    ['partial', { kind: 'items', user, items: partialItems }],
  ];

  // Warm the JIT on other users so the first measured request is not charged for compilation:
  // V8 optimises a function only after several calls, and one request calls most of them once.
  for (let w = 1; w <= 4; w++) {
    await runUnlearning(ds, trained, cfg, { kind: 'user', user: (user + w) % ds.nUsers }, {
      prep, methods: ['if', 'ifru', 'ifru-pruned'], reference: false, noiseFloor: false,
    });
  }

  if (values.sweep) for (const [name, request] of requests) await sweep(prep, name, request);

  for (const [name, request] of requests) {
    const { report } = await runUnlearning(ds, trained, cfg, request, { prep, noiseE0: noise.E0 });
    for (const [method, m] of Object.entries(report.methods)) {
      emit({
        bench: 'unlearn', request: name, user: ds.userIds[user], forgotten: report.forgotten, method,
        ms: m.ms, speedup: m.speedup, recall20: m.recall20, recallRatio: m.recallRatio, ndcg20: m.ndcg20, auc: m.auc,
        forgetInTop20: m.forgetInTop20, forgetMeanRank: m.forgetMeanRank, miaAuc: m.miaAuc,
        top20Overlap: m.top20Overlap, scoreCorr: m.scoreCorr,
        movementPearson: m.movementPearson, movementCos: m.movementCos, movementPerHop: m.movementPerHop,
        hessian: m.hessian, hvps: m.hvps, cgIters: m.cgIters, cgResidual: m.cgResidual, negativeCurvature: m.negativeCurvature,
        damping: m.damping, rowsTouched: m.rowsTouched,
        interactionsTouched: m.interactionsTouched, phases: m.phases,
      });
    }
    emit({ bench: 'unlearn-reference', request: name, neighbourhood: report.neighbourhood, original: report.original, ...report.reference });
    await timing(prep, name, request, report.methods.retrain.ms);
  }
  prep.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
