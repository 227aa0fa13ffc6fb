/**
 * Short definitions of the terms the explorer shows, one click away from where they appear. An entry is
 * found by its key or by any of its names (the reference is called "paired" or "proximal" depending on
 * how it is computed; both resolve to one entry).
 */
export interface GlossaryEntry {
  key: string;
  term: string;
  names: string[];
  text: string;
}

export const GLOSSARY: GlossaryEntry[] = [
  {
    key: 'reference',
    term: 'Reference (paired / proximal)',
    names: ['paired reference', 'proximal reference', 'reference'],
    text: 'What the deletion itself does to the model. Starting from the trained model, the same deterministic solver re-fits it once on all the data and once on the data without the forgotten part, each kept near the trained model (a trust region of strength μ, the influence methods’ damping); the difference is what the deletion causes, free of the noise of a new random start. Each method’s update is compared with it.',
  },
  {
    key: 'mia-auc',
    term: 'MIA AUC',
    names: ['mia auc', 'membership inference', 'mia'],
    text: 'Membership-inference AUC: how well the model’s scores tell the forgotten (user, item) pairs apart from pairs the user never saw. 0.5 = indistinguishable, as if never trained on; near 1 = the model still remembers them. Read it against Retrain’s.',
  },
  {
    key: 'auc-test-forget',
    term: 'AUC test / forget',
    names: ['auc test / forget', 'auc test', 'auc forget', 'auc'],
    text: 'How well the model ranks a true interaction above a random non-interaction (0.5 = chance, 1 = perfect), on held-out test pairs (utility: should stay) and on the forgotten pairs (should fall towards Retrain’s value).',
  },
  {
    key: 'forget-rank',
    term: 'Forget-set mean rank',
    names: ['forget-set mean rank', 'mean rank'],
    text: 'Where the forgotten items stand, on average, in their user’s ranking of all candidate items (1 = top). Unlearning should push them down, as far as Retrain does.',
  },
  {
    key: 'forget-top20',
    term: 'Forgotten items in top-20',
    names: ['forgotten items in top-20'],
    text: 'How many of the forgotten (user, item) pairs still appear in that user’s top-20 recommendations, out of all forgotten pairs.',
  },
  {
    key: 'top20-overlap',
    term: 'Top-20 overlap with Retrain',
    names: ['top-20 overlap w/ retrain', 'top-20 overlap'],
    text: 'The share of items a method’s top-20 lists have in common with Retrain’s, averaged over users (1 = the same recommendations).',
  },
  {
    key: 'noise-floor',
    term: 'Noise floor',
    names: ['noise floor'],
    text: 'A second scratch model trained with seed + 1: how much two ordinary trainings differ. Differences between methods smaller than this are noise, not an effect.',
  },
  {
    key: 'recall-ndcg',
    term: 'Recall@20 / NDCG@20',
    names: ['recall@20', 'ndcg@20'],
    text: 'Utility on the test split: the share of a user’s held-out items found in their top-20 (Recall), and the same weighted by how high they rank (NDCG). Higher is better.',
  },
  {
    key: 'hop',
    term: 'Hop',
    names: ['hop', 'spillover'],
    text: 'Distance in the user–item graph from the forgotten user: hop 1 = their items, hop 2 = the users who share those items, hop 3 = those users’ items. Spillover is the movement beyond hop 1.',
  },
  {
    key: 'drift',
    term: 'Drift (how far from a minimum)',
    names: ['drift', 'stationarity', 'θ_d'],
    text: 'A trained model is rarely a minimum of its own loss. Re-fitted on all its data within the trust region (the reference’s first run) it moves on its own, to θ_D. Drift / response compares that move with the one the deletion causes: when the model drifts far more than the deletion moves it, an influence step taken at the trained model mixes the two, and IFRU (re-centred), which takes its step from θ_D, follows the deletion better.',
  },
  {
    key: 'spmm',
    term: 'SpMM',
    names: ['spmm', 'ms/spmm'],
    text: 'Sparse × dense matrix multiplication: one LightGCN propagation step, the normalised user–item graph times the embedding table. The backend check times one on each backend.',
  },
  {
    key: 'cg',
    term: 'CG',
    names: ['cg', 'conjugate gradient'],
    text: 'Conjugate gradient: the iterative solver the influence methods use to find the update H⁻¹·g from Hessian–vector products alone, without ever forming the Hessian H.',
  },
  {
    key: 'speedup',
    term: 'Speed-up',
    names: ['speed-up', 'speedup'],
    text: 'Retrain’s time divided by the method’s time, both measured in this browser in this run: on a first request (the method also pays the model’s one-off cache) and once that cache exists. Retrain is timed without evaluation.',
  },
];

const BY_NAME = new Map<string, GlossaryEntry>();
for (const e of GLOSSARY) for (const n of [e.key, ...e.names]) BY_NAME.set(n.toLowerCase(), e);

/** The entry for a key or any of its names (case-insensitive), or undefined. */
export function glossary(name: string): GlossaryEntry | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}
