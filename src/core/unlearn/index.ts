/** The unlearning engine's public API (docs/method.md: forget requests, methods, reference, metrics). */
export { runUnlearning, summarizeReport, warmUpInfluence, DEFAULT_UNLEARN_OPTIONS } from './run';
export type { RunOptions, UnlearnReport, UnlearnDetail, UnlearnRun, MethodReport } from './run';
export { prepareUnlearning, prepareRequest, methodInfo } from './context';
export type {
  UnlearnPrep,
  RequestContext,
  UnlearnOptions,
  UnlearnContext,
  UnlearningMethod,
  MethodInfo,
  MethodResult,
  HessianKind,
  ProgressEvent,
} from './context';
export { METHODS, METHOD_NAMES, METHOD_INFO, methodByName } from './registry';
export { DEFAULT_METHODS, DEMO_METHODS } from './defaults';
export { splitForget, parseForgetSpec, describeRequest, datasetWithout } from '../common/request';
export type { ForgetRequest, ForgetSplit } from '../common/request';
export { proximalReference, referenceEmbeddings, DEFAULT_REFERENCE, CONVERGED_REFERENCE } from './proximal';
export { fidelity, fidelityProbe, baselines } from './fidelity';
export type { Fidelity, FidelityProbe, Baselines } from './fidelity';
export { horizon, HORIZON_MUS, HORIZON_METHODS } from './horizon';
export type { HorizonPoint, HorizonOptions } from './horizon';
export { graphWithout } from './graphUpdate';
export type { ReferenceOptions, ProximalReference, ReferenceKind, ReferenceRun } from './proximal';
export { directInfluence, spilloverInfluence, unlearningGradient, influenceUnlearn } from './influence';
export { importanceScores, pruneByQuantile } from './importance';
export { kHopNeighbourhood } from './neighbourhood';
export { solveHvp } from './cg';
