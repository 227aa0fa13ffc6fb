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
export { pairedReference, referenceStepSize, DEFAULT_REFERENCE } from './reference';
export { graphWithout } from './graphUpdate';
export type { ReferenceOptions, PairedReference } from './reference';
export { directInfluence, spilloverInfluence, unlearningGradient, influenceUnlearn } from './influence';
export { importanceScores, pruneByQuantile } from './importance';
export { kHopNeighbourhood } from './neighbourhood';
export { solveHvp } from './cg';
