/** The unlearning engine's public API (docs/method.md: forget requests, methods, reference, metrics). */
export { runUnlearning, summarizeReport, warmUpInfluence, landingOrder, DEFAULT_UNLEARN_OPTIONS } from './run';
export type { RunOptions, UnlearnReport, UnlearnDetail, UnlearnRun, MethodReport } from './run';
export { prepareUnlearning, prepareRequest, methodInfo, layer0, isEnsemble } from './context';
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
  EnsembleResult,
  AnyResult,
} from './context';
export { METHODS, METHOD_NAMES, METHOD_INFO, methodByName } from './registry';
export { DEFAULT_METHODS, DEMO_METHODS, defaultShards } from './defaults';
export { splitForget, parseForgetSpec, describeRequest, datasetWithout } from '../common/request';
export type { ForgetRequest, ForgetSplit } from '../common/request';
export { proximalReference, referenceEmbeddings, DEFAULT_REFERENCE, CONVERGED_REFERENCE } from './reference/proximal';
export { fidelity, fidelityProbe, baselines } from './measure/fidelity';
export type { Fidelity, FidelityProbe, Baselines } from './measure/fidelity';
export { horizon, HORIZON_MUS, HORIZON_METHODS } from './lessons/horizon';
export type { HorizonPoint, HorizonOptions } from './lessons/horizon';
export { convergence, checkpointEpochs, CONVERGENCE_FRACTIONS } from './lessons/convergence';
export type { ConvergencePoint } from './lessons/convergence';
export { deletionSize, sizeUser, sizeRequests } from './lessons/size';
export type { SizePoint } from './lessons/size';
export { LESSON_METHODS, LESSON_BASELINES } from './lessons/point';
export type { LessonPoint } from './lessons/point';
export { graphWithout } from './objective/graphUpdate';
export type { ReferenceOptions, ProximalReference, ReferenceKind, ReferenceRun, Stationarity } from './reference/proximal';
export { directInfluence, spilloverInfluence, unlearningGradient, influenceUnlearn } from './methods/influence';
export { importanceScores, pruneByQuantile } from './methods/importance';
export { kHopNeighbourhood } from './measure/neighbourhood';
export { solveHvp } from './hessian/cg';
