/** The transformer recommender (SASRec-like) and unlearning on it: Retrain, Fine-tune, NegGrad, E2URec. */
export {
  runTransformerUnlearning,
  TRANSFORMER_METHODS,
  type TransformerMethod,
  type TransformerUnlearningOptions,
  type TransformerUnlearningReport,
  type TransformerProgress,
  type MethodReport as TransformerMethodReport,
} from './unlearning';
export { DEFAULT_TRANSFORMER, transformerParamCount, attentionLoraParamCount, type TransformerConfig } from './model';
export { e2urecTransformer, DEFAULT_E2UREC_TRANSFORMER, type E2URecTransformerOptions } from './e2urec';
