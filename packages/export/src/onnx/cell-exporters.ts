// ONNX export of the one-step cells (RNNCell, LSTMCell, GRUCell): the layer's node run over a
// sequence of one step. x [B, I] → X [1, B, I]; h (and c) [B, H] → [1, B, H]; the new h (and c)
// are Y_h (Y_c) squeezed back to [B, H]. Gates reordered as for the layers (gate-order.ts).

import { ValueError } from '@recur/backend';
import { GRUCell, LSTMCell, RNNCell } from '@recur/cells';
import type { ExportContext } from './context.js';
import { gateCount, toOnnxOrder, type OnnxRecurrentOp } from './gate-order.js';
import type { OnnxValue } from './graph.js';

/** Inputs [x, h?, c?] for LSTMCell, [x, h?] otherwise; outputs [h, c] or [h]. */
export function exportCell(
  module: RNNCell | LSTMCell | GRUCell,
  inputs: readonly (OnnxValue | undefined)[],
  context: ExportContext,
): OnnxValue[] {
  const name = module.constructor.name;
  const op: OnnxRecurrentOp = module instanceof LSTMCell ? 'LSTM' : module instanceof GRUCell ? 'GRU' : 'RNN';
  const [x, h0, c0] = inputs;
  if (!x || x.rank !== 2) throw new ValueError(`exportOnnx: ${name} takes a batched input [B, I] of rank 2; got rank ${x?.rank ?? 'none'}`);
  const graph = context.graph;
  const gates = gateCount(op);
  const H = module.hiddenSize;
  const own = module.stateDict();
  const W = new Float32Array(gates * H * module.inputSize);
  const R = new Float32Array(gates * H * H);
  toOnnxOrder(op, context.values(own.weight_ih!), W);
  toOnnxOrder(op, context.values(own.weight_hh!), R);
  const tag = `${context.prefix(module)}${name}`;
  let b: OnnxValue | undefined;
  if (module.bias) {
    const B = new Float32Array(2 * gates * H);
    toOnnxOrder(op, context.values(own.bias_ih!), B, 0);
    toOnnxOrder(op, context.values(own.bias_hh!), B, gates * H);
    b = graph.initializer(`${tag}_B`, B, [1, 2 * gates * H]);
  }
  const axes = graph.int64s('axes', [0]);
  const unsqueeze = (value: OnnxValue | undefined) => value && graph.op('Unsqueeze', [value, axes], value.rank + 1);
  const attributes = {
    hidden_size: { int: H },
    ...(op === 'GRU' ? { linear_before_reset: { int: 1 } } : {}),
    ...(op === 'RNN' ? { activations: { strings: [(module as RNNCell).nonlinearity === 'relu' ? 'Relu' : 'Tanh'] } } : {}),
  };
  const outputs = graph.node(
    op,
    [
      unsqueeze(x),
      graph.initializer(`${tag}_W`, W, [1, gates * H, module.inputSize]),
      graph.initializer(`${tag}_R`, R, [1, gates * H, H]),
      b,
      undefined,
      unsqueeze(h0),
      op === 'LSTM' ? unsqueeze(c0) : undefined,
    ],
    op === 'LSTM' ? [4, 3, 3] : [4, 3],
    attributes,
  );
  const squeeze = (value: OnnxValue) => graph.op('Squeeze', [value, axes], 2);
  return op === 'LSTM' ? [squeeze(outputs[1]!), squeeze(outputs[2]!)] : [squeeze(outputs[1]!)];
}
