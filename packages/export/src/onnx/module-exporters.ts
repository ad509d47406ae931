// ONNX exporters of the basic modules and the seed's three models. Linear on [B, in] is a Gemm
// (transB = 1, as torch.onnx.export writes nn.Linear), on other ranks a MatMul by Wᵀ; Embedding is
// a Gather of rows; LayerNorm is LayerNormalization (opset 17); Dropout exports as in eval mode.

import { ValueError } from '@recur/backend';
import {
  Dropout,
  Embedding,
  GRU,
  GRUCell,
  LayerNorm,
  Linear,
  LSTM,
  LSTMCell,
  LSTMModel,
  RNN,
  RNNCell,
  Sequential,
  SequenceTagger,
  SimpleRNN,
  type Module,
} from '@recur/cells';
import { registerDefaultExporter, type ExportContext } from './context.js';
import type { OnnxValue } from './graph.js';
import { exportCell } from './cell-exporters.js';
import { exportRecurrent } from './recurrent.js';
import { installAttentionExporters } from './attention-exporters.js';
import { installScanExporters } from './scan-exporters.js';

function only(name: string, inputs: readonly (OnnxValue | undefined)[]): OnnxValue {
  const x = inputs[0];
  if (!x || inputs.length !== 1) throw new ValueError(`exportOnnx: ${name} takes one input; got ${inputs.length}`);
  return x;
}

function exportLinear(module: Linear, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const x = only('Linear', inputs);
  const graph = context.graph;
  const weight = context.weight(module, 'weight', module.weight);
  const bias = module.bias ? context.weight(module, 'bias', module.bias) : undefined;
  if (x.rank === 2) return [graph.op('Gemm', [x, weight, bias], 2, { transB: { int: 1 } })];
  const product = graph.op('MatMul', [x, graph.transpose(weight, [1, 0])], x.rank);
  return [bias ? graph.add(product, bias) : product];
}

function exportEmbedding(module: Embedding, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const ids = only('Embedding', inputs);
  return [context.graph.op('Gather', [context.weight(module, 'weight', module.weight), ids], ids.rank + 1, { axis: { int: 0 } })];
}

function exportLayerNorm(module: LayerNorm, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const x = only('LayerNorm', inputs);
  const graph = context.graph;
  const shape = module.normalizedShape;
  // LayerNormalization's scale is required: a module without γ normalises with ones.
  const scale = module.weight
    ? context.weight(module, 'weight', module.weight)
    : graph.initializer(`${context.prefix(module)}ones`, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
  const bias = module.bias ? context.weight(module, 'bias', module.bias) : undefined;
  return [graph.op('LayerNormalization', [x, scale, bias], x.rank, { axis: { int: -shape.length }, epsilon: { float: module.eps } })];
}

function exportDropout(_module: Dropout, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const x = only('Dropout', inputs);
  return [context.graph.op('Identity', [x], x.rank)];
}

function exportSequential(module: Sequential, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  let x = only('Sequential', inputs);
  for (const layer of module) {
    const out = context.call(layer, [x]);
    // Sequential passes one tensor on; a layer returning several (an RNN) passes its first, as
    // its forward's array would not chain in Recur either.
    x = out[0]!;
  }
  return [x];
}

/** SimpleRNN and LSTMModel: the recurrent layer from zeros, then the head on the last step. */
function exportLastStepModel(
  module: SimpleRNN | LSTMModel,
  inputs: readonly (OnnxValue | undefined)[],
  context: ExportContext,
): OnnxValue[] {
  const x = only(module.constructor.name, inputs);
  const recurrent: Module = module instanceof SimpleRNN ? module.rnn : module.lstm;
  // The seed's explicit zero (h0, c0) is ONNX's default initial state.
  const [output] = context.call(recurrent, [x]);
  return context.call(module.fc, [context.graph.select(output!, 1, -1)]);
}

/** tokens [B, T] (and lengths [B], as the packed forward) → logits [B, T, C]. */
function exportSequenceTagger(module: SequenceTagger, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const [tokens, lengths] = inputs;
  if (!tokens || inputs.length > 2)
    throw new ValueError(`exportOnnx: SequenceTagger takes token ids [B, T] and optional lengths [B]; got ${inputs.length} inputs`);
  const [embedded] = context.call(module.embedding, [tokens]);
  const [output] = context.call(module.lstm, [embedded, undefined, undefined, lengths]);
  return context.call(module.fc, [output]);
}

let installed = false;

/** Make the built-in exporters known (once); a user's registration for the same class wins. */
export function installBuiltinExporters(): void {
  if (installed) return;
  installed = true;
  registerDefaultExporter(Linear, exportLinear);
  registerDefaultExporter(Embedding, exportEmbedding);
  registerDefaultExporter(LayerNorm, exportLayerNorm);
  registerDefaultExporter(Dropout, exportDropout);
  registerDefaultExporter(Sequential, exportSequential);
  registerDefaultExporter(RNN, exportRecurrent);
  registerDefaultExporter(LSTM, exportRecurrent);
  registerDefaultExporter(GRU, exportRecurrent);
  registerDefaultExporter(RNNCell, exportCell);
  registerDefaultExporter(LSTMCell, exportCell);
  registerDefaultExporter(GRUCell, exportCell);
  registerDefaultExporter(SimpleRNN, exportLastStepModel);
  registerDefaultExporter(LSTMModel, exportLastStepModel);
  registerDefaultExporter(SequenceTagger, exportSequenceTagger);
  installAttentionExporters();
  installScanExporters();
}
