/** The unlearning engine's public API (docs/method.md: forget requests, methods, reference, metrics). */
export { runUnlearning, summarizeReport, warmUpInfluence, DEFAULT_UNLEARN_OPTIONS } from './run';
export type { RunOptions, UnlearnReport, UnlearnDetail, UnlearnRun, MethodReport } from './run';
export { prepareUnlearning, prepareRequest } from './context';
export type {
  UnlearnPrep,
  RequestContext,
  UnlearnOptions,
  UnlearnContext,
  UnlearningMethod,
  MethodResult,
  HessianKind,
  ProgressEvent,
} from './context';
export { METHODS, METHOD_NAMES, methodByName } from './registry';
export { splitForget, parseForgetSpec, describeRequest, datasetWithout } from './request';
export type { ForgetRequest, ForgetSplit } from './request';
export { pairedReference, referenceStepSize, DEFAULT_REFERENCE } from './reference';
export { graphWithout } from './graphUpdate';
export type { ReferenceOptions, PairedReference } from './reference';
export { directInfluence, spilloverInfluence, unlearningGradient, influenceUnlearn } from './influence';
export { importanceScores, pruneByQuantile } from './importance';
export { kHopNeighbourhood } from './neighbourhood';
export { solveHvp } from './cg';
