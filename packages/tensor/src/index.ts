// @recur/tensor: Tensor with autograd, ops and their gradients, scopes and memory, the backend
// registry, seeded random numbers and initialisers. Importing it registers nothing.

export {
  BackendError,
  DTypeError,
  DisposedError,
  FormatError,
  GradError,
  IndexError,
  RecurError,
  ShapeError,
  ValueError,
  fmtShape,
  sizeOf,
  checkOptions,
  describeValue,
  expectAxes,
  expectBool,
  expectInteger,
  expectIntegerList,
  expectNumber,
  type DType,
  type BackendV1,
  type BackendPlugin,
} from '@recur/backend';
export { Tensor, type NestedArray } from './tensor.js';
export { expectTensor, expectOperand, expectDTypeName, checkInt32 } from './args.js';
export { registerBackend, useBackend, loadBackend, getBackend, findBackend, listBackends, resetBackends } from './registry.js';
export { selectBackend, type BackendCandidate, type SkippedBackend, type SelectedBackend, type SelectOptions } from './select.js';
export { moveInPlace, resolveTarget as resolveBackendTarget, type BackendTarget } from './move.js';
export { scope, keep, noGrad, enableGrad, isGradEnabled } from './scope.js';
export { memory, type MemoryInfo, type BackendMemory } from './memory.js';
export { backward, type BackwardOptions, type OpRecord, type SavedTensors, type VJP, attach, needsGrad } from './autograd.js';
export {
  tensor,
  scalar,
  fromTypedArray,
  full,
  zeros,
  ones,
  fullLike,
  zerosLike,
  onesLike,
  arange,
  linspace,
  eye,
  type CreateOptions,
} from './creation.js';
export { Generator, defaultGenerator, manualSeed, rand, randn, randint, uniform, normal, type RandomOptions } from './random.js';
export * as init from './init.js';
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  neg,
  exp,
  log,
  sqrt,
  rsqrt,
  abs,
  sign,
  square,
  reciprocal,
  sin,
  cos,
  floor,
  ceil,
  sigmoid,
  tanh,
  relu,
  clamp,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  logicalNot,
  logicalAnd,
  logicalOr,
  where,
  cast,
  type Operand,
} from './ops/elementwise.js';
export { sum, mean, max, min, argmax, argmin, logSumExp, sumToShape, type ReduceOptions, type ArgOptions } from './ops/reduce.js';
export { softmax, logSoftmax } from './ops/activation.js';
export { matmul } from './ops/matmul.js';
export { linear } from './ops/linear.js';
export {
  reshape,
  view,
  permute,
  transpose,
  expand,
  narrow,
  slice,
  select,
  squeeze,
  unsqueeze,
  flatten,
  contiguous,
  clone,
} from './ops/views.js';
export { concat, stack, split, chunk, pad } from './ops/join.js';
export { gather, indexSelect, scatterAdd } from './ops/indexing.js';
export { assign } from './ops/assign.js';
export { empty, kernelView, backendOf } from './extend.js';
export { kernelOp, type KernelOpDefinition, type KernelOpForward, type KernelOpBackward, type KernelOpResult } from './kernel-op.js';
export {
  parseSafetensors,
  serializeSafetensors,
  readSafetensorsHeader,
  MAX_HEADER_BYTES,
  type LoadedSafetensors,
  type SafetensorsHeader,
  type TensorEntry,
} from './safetensors.js';
