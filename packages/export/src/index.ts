// @recur/export: ONNX export of Recur modules and models, import of ONNX LSTM/GRU/RNN/Gemm
// weights (PyTorch's torch.onnx.export files), whole-model files (tree + weights, safetensors),
// magnitude pruning and compact weight storage (float16, sparse).

export { exportOnnx, ONNX_OPSET, ONNX_IR_VERSION, type ExportOnnxOptions, type OnnxInputSpec } from './onnx/export-onnx.js';
export { registerOnnxExporter, ExportContext, type OnnxExporter } from './onnx/context.js';
export { OnnxGraph, type OnnxValue, type OnnxAttribute, type OnnxElementType } from './onnx/graph.js';
export { importOnnxWeights, type ImportOnnxOptions, type ImportOnnxResult } from './onnx/import-weights.js';
export {
  serializeModel,
  parseModel,
  describeModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MAX_MODEL_DEPTH,
  type ModelNode,
  type ParseModelOptions,
} from './model-file/model-file.js';
export { registerModelType, type ModelType, type JsonObject, type JsonValue } from './model-file/registry.js';
export { ModelFileError, type ModelFileErrorReason } from './model-file/errors.js';
export {
  quantizeDynamic,
  quantizeModule,
  quantizeStructure,
  quantizedPaths,
  QUANTIZABLE_MODULE_TYPES,
  type QuantizeDynamicOptions,
  type QuantizableModuleType,
} from './quantize/quantize-dynamic.js';
export { QuantizedWeight, type QuantizedDType } from './quantize/quantized-weight.js';
export { isQuantizedModule, type QuantizedModule } from './quantize/quantized-module.js';
export { QuantizedLinear, type QuantizedLinearOptions } from './quantize/quantized-linear.js';
export { QuantizedEmbedding, type QuantizedEmbeddingOptions } from './quantize/quantized-embedding.js';
export { QuantizedLSTM, QuantizedGRU, QuantizedRNN, type QuantizedRecurrentOptions } from './quantize/quantized-recurrent.js';
export { l1Unstructured, globalUnstructured, weightMatrices, type PruneAmount, type PruneTarget } from './compress/prune.js';
export { sparsityReport, type SparsityReport, type ParameterSparsity } from './compress/sparsity.js';
export { serializeWeights, type StoreWeightsOptions, type WeightStorage } from './compress/stored-weights.js';
export { readWeights, type StoredWeights } from './compress/read-stored-weights.js';
export { serializeModuleWeights, loadModuleWeights } from './compress/module-weights.js';
