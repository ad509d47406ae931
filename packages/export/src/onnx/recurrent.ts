// ONNX export of RNN / LSTM / GRU: one ONNX recurrent node per layer (both directions in one
// node), with W [D, G·H, I_l], R [D, G·H, H], B [D, 2·G·H] in ONNX's gate order and GRU's
// linear_before_reset = 1 (PyTorch applies the reset after W_hn·h). Layers meet through
// Y [T, D, B, H] → [T, B, D·H]; batchFirst transposes [B, T, I] at the ends; h0/c0 are sliced per layer.
// Inputs: [x, h0?, c0?, lengths?] for LSTM, [x, h0?, lengths?] otherwise; lengths (int32 [B]) is
// ONNX's sequence_lens, which computes what a packed batch does (padding zero, h_n at each end).

import { ValueError } from '@recur/backend';
import type { RecurrentBase, RNN } from '@recur/cells';
import type { ExportContext } from './context.js';
import { gateCount, onnxOpOf, toOnnxOrder } from './gate-order.js';
import type { OnnxValue } from './graph.js';

export function exportRecurrent(module: RecurrentBase, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const name = module.constructor.name;
  const lstm = onnxOpOf(module.mode) === 'LSTM';
  const [x, h0] = inputs;
  const c0 = lstm ? inputs[2] : undefined;
  const lengths = inputs[lstm ? 3 : 2];
  if (lengths && lengths.rank !== 1) throw new ValueError(`exportOnnx: ${name} lengths must be int32 [B]; got rank ${lengths.rank}`);
  if (!x || x.rank !== 3) throw new ValueError(`exportOnnx: ${name} takes a batched input of rank 3; got rank ${x?.rank ?? 'none'}`);
  if (module.projSize > 0) throw new ValueError(`exportOnnx: ONNX's LSTM has no projection; expected projSize 0, got ${module.projSize}`);
  const graph = context.graph;
  const op = onnxOpOf(module.mode);
  const gates = gateCount(op);
  const H = module.hiddenSize;
  const D = module.numDirections;
  const own = module.stateDict();
  const prefix = context.prefix(module);
  const hostOf = (key: string) => context.values(own[key]!);
  let sequence = module.batchFirst ? graph.transpose(x, [1, 0, 2]) : x;
  const lastH: OnnxValue[] = [];
  const lastC: OnnxValue[] = [];
  for (let layer = 0; layer < module.numLayers; layer++) {
    const columns = layer === 0 ? module.inputSize : H * D;
    const W = new Float32Array(D * gates * H * columns);
    const R = new Float32Array(D * gates * H * H);
    const B = new Float32Array(D * 2 * gates * H);
    for (let d = 0; d < D; d++) {
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      toOnnxOrder(op, hostOf(`weight_ih${suffix}`), W, d * gates * H * columns);
      toOnnxOrder(op, hostOf(`weight_hh${suffix}`), R, d * gates * H * H);
      if (module.bias) {
        toOnnxOrder(op, hostOf(`bias_ih${suffix}`), B, d * 2 * gates * H);
        toOnnxOrder(op, hostOf(`bias_hh${suffix}`), B, (d * 2 + 1) * gates * H);
      }
    }
    const tag = `${prefix}${op}_l${layer}`;
    const w = graph.initializer(`${tag}_W`, W, [D, gates * H, columns]);
    const r = graph.initializer(`${tag}_R`, R, [D, gates * H, H]);
    const b = module.bias ? graph.initializer(`${tag}_B`, B, [D, 2 * gates * H]) : undefined;
    const rows = (state: OnnxValue | undefined) =>
      state &&
      graph.op(
        'Slice',
        [state, graph.int64s('starts', [layer * D]), graph.int64s('ends', [(layer + 1) * D]), graph.int64s('axes', [0])],
        3,
      );
    const attributes = {
      hidden_size: { int: H },
      direction: { string: D === 2 ? 'bidirectional' : 'forward' },
      ...(op === 'GRU' ? { linear_before_reset: { int: 1 } } : {}),
      ...(op === 'RNN'
        ? { activations: { strings: new Array<string>(D).fill((module as RNN).nonlinearity === 'relu' ? 'Relu' : 'Tanh') } }
        : {}),
    };
    const outputRanks = op === 'LSTM' ? [4, 3, 3] : [4, 3];
    const [y, yH, yC] = graph.node(
      op,
      [sequence, w, r, b, lengths, rows(h0), op === 'LSTM' ? rows(c0) : undefined],
      outputRanks,
      attributes,
    );
    lastH.push(yH!);
    if (yC) lastC.push(yC);
    // Y [T, D, B, H] → [T, B, D, H] → [T, B, D·H] (Reshape's 0 keeps that dimension).
    let output = graph.op('Reshape', [graph.transpose(y!, [0, 2, 1, 3]), graph.int64s('shape', [0, 0, -1])], 3);
    if (module.residual && layer > 0) output = graph.add(output, sequence);
    sequence = output;
  }
  const join = (states: OnnxValue[]) => (states.length === 1 ? states[0]! : graph.op('Concat', states, 3, { axis: { int: 0 } }));
  const output = module.batchFirst ? graph.transpose(sequence, [1, 0, 2]) : sequence;
  return op === 'LSTM' ? [output, join(lastH), join(lastC)] : [output, join(lastH)];
}
