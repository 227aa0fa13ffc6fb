/** E2URec (Wang et al. 2024): LoRA + forgetting and remembering teachers (DESIGN.md §4). */
export { e2urec, makeE2URecMethod } from './method';
export {
  e2urecLightGCN,
  augmentLightGCN,
  lightgcnCtrMetrics,
  lightgcnPairLogits,
  DEFAULT_E2UREC_LIGHTGCN,
  type E2URecLightGCNOptions,
  type E2URecLightGCNResult,
  type LightGCNWeights,
} from './lightgcn';
export { e2urecTrain, DEFAULT_E2UREC, type E2URecOptions, type E2URecStep, type E2URecTask } from './train';
export { ctrMetrics, type CtrMetrics } from './ctr';
export { embeddingLoraParams } from './lora';
