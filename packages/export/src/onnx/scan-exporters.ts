// ONNX export of the recurrences ONNX has no op for, as a Scan over time (opset 16+) whose body
// is one step: LayerNormLSTM (gates = LN_i(x·W_ihᵀ) + LN_h(h·W_hhᵀ), i f g o; c' = LN_c(σf·c + σi·tanh g),
// h' = σo·tanh c') and ClockworkRNN (module k of m units updates at steps t with t mod p_k = 0).
// T time, B batch, H hidden; the input projection of every step runs once, outside the Scan.

import { ValueError } from '@recur/backend';
import { ClockworkRNN, LayerNormLSTM, LayerNormLSTMCell, type LayerNorm, type Module } from '@recur/cells';
import { registerDefaultExporter, type ExportContext } from './context.js';
import { OnnxGraph, type OnnxValue } from './graph.js';

/** Zeros [B, H] with B read from dimension `axis` of `like` (initial states left out). */
function zerosState(graph: OnnxGraph, like: OnnxValue, axis: number, hidden: number): OnnxValue {
  const batch = graph.op('Slice', [graph.op('Shape', [like], 1), graph.int64s('starts', [axis]), graph.int64s('ends', [axis + 1])], 1);
  const shape = graph.op('Concat', [batch, graph.int64s('hidden', [hidden])], 1, { axis: { int: 0 } });
  return graph.op('Expand', [graph.initializer('zero', Float32Array.of(0), []), shape], 2);
}

/** Layer `k` of a state [L, B, H] given as an input, or zeros. */
function initial(graph: OnnxGraph, state: OnnxValue | undefined, k: number, sequence: OnnxValue, hidden: number): OnnxValue {
  return state ? graph.select(state, 0, k) : zerosState(graph, sequence, 1, hidden);
}

function layerNorm(x: OnnxValue, norm: LayerNorm, context: ExportContext): OnnxValue {
  return context.call(norm, [x])[0]!;
}

/** One layer-norm LSTM step in `graph` from gx = LN_i(x·W_ihᵀ) [B, 4H] and the state; weights from the outer graph. */
function layerNormLstmStep(
  graph: OnnxGraph,
  gx: OnnxValue,
  h: OnnxValue,
  c: OnnxValue,
  cell: LayerNormLSTMCell,
  owner: Module,
  context: ExportContext,
): [OnnxValue, OnnxValue] {
  const H = cell.hiddenSize;
  const normed = (x: OnnxValue, norm: LayerNorm) =>
    graph.op(
      'LayerNormalization',
      [x, context.weight(norm, 'weight', norm.weight!), norm.bias ? context.weight(norm, 'bias', norm.bias) : undefined],
      2,
      { axis: { int: -1 }, epsilon: { float: norm.eps } },
    );
  const weightHh = context.weight(owner, 'weight_hh', cell.weightHh);
  const recurrent = graph.op('MatMul', [h, graph.transpose(weightHh, [1, 0])], 2);
  const gates = graph.add(gx, normed(recurrent, cell.layernormH));
  const [i, f, g, o] = graph.node('Split', [gates, graph.int64s('split', [H, H, H, H])], [2, 2, 2, 2], { axis: { int: 1 } });
  const mul = (a: OnnxValue, b: OnnxValue) => graph.op('Mul', [a, b], 2);
  const cNext = normed(graph.add(mul(graph.sigmoid(f!), c), mul(graph.sigmoid(i!), graph.tanh(g!))), cell.layernormC);
  return [mul(graph.sigmoid(o!), graph.tanh(cNext)), cNext];
}

/** [x, h0?, c0?] (x [T, B, I] or [B, T, I] batch-first; states [L, B, H]) → [output, h_n, c_n]. */
function exportLayerNormLstm(module: LayerNormLSTM, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const [x, h0, c0] = inputs;
  if (!x || x.rank !== 3 || inputs.length > 3)
    throw new ValueError(
      `exportOnnx: LayerNormLSTM takes [x of rank 3, h0?, c0?] (no lengths); got ${inputs.length} inputs, x of rank ${x?.rank ?? 'none'}`,
    );
  const graph = context.graph;
  let sequence = module.batchFirst ? graph.transpose(x, [1, 0, 2]) : x;
  const lastH: OnnxValue[] = [];
  const lastC: OnnxValue[] = [];
  module.cells.forEach((cell, k) => {
    // One layer keeps the cell's parameters on the module itself (custom_lstms.py names).
    const owner: Module = module.numLayers === 1 ? module : cell;
    const weightIh = context.weight(owner, 'weight_ih', cell.weightIh);
    const gx = layerNorm(graph.op('MatMul', [sequence, graph.transpose(weightIh, [1, 0])], 3), cell.layernormI, context);
    const body = new OnnxGraph(graph);
    const h = body.bodyInput('h', 'float32', 2);
    const c = body.bodyInput('c', 'float32', 2);
    const step = body.bodyInput('gx_t', 'float32', 2);
    const [hNext, cNext] = layerNormLstmStep(body, step, h, c, cell, owner, context);
    body.bodyOutput(hNext, 'h_next');
    body.bodyOutput(cNext, 'c_next');
    body.bodyOutput(hNext, 'y_t');
    const H = module.hiddenSize;
    const [hN, cN, y] = graph.node('Scan', [initial(graph, h0, k, sequence, H), initial(graph, c0, k, sequence, H), gx], [2, 2, 3], {
      body: { graph: body },
      num_scan_inputs: { int: 1 },
    });
    lastH.push(graph.op('Unsqueeze', [hN!, graph.int64s('axes', [0])], 3));
    lastC.push(graph.op('Unsqueeze', [cN!, graph.int64s('axes', [0])], 3));
    sequence = y!;
  });
  const join = (states: OnnxValue[]) => (states.length === 1 ? states[0]! : graph.op('Concat', states, 3, { axis: { int: 0 } }));
  return [module.batchFirst ? graph.transpose(sequence, [1, 0, 2]) : sequence, join(lastH), join(lastC)];
}

/** [x [B, I], h?, c?] → [h', c'] (one step, no Scan). */
function exportLayerNormLstmCell(
  module: LayerNormLSTMCell,
  inputs: readonly (OnnxValue | undefined)[],
  context: ExportContext,
): OnnxValue[] {
  const [x, h, c] = inputs;
  if (!x || x.rank !== 2 || inputs.length > 3)
    throw new ValueError(
      `exportOnnx: LayerNormLSTMCell takes [x [B, I], h?, c?]; got ${inputs.length} inputs, x of rank ${x?.rank ?? 'none'}`,
    );
  const graph = context.graph;
  const weightIh = context.weight(module, 'weight_ih', module.weightIh);
  const gx = layerNorm(graph.op('MatMul', [x, graph.transpose(weightIh, [1, 0])], 2), module.layernormI, context);
  const H = module.hiddenSize;
  return layerNormLstmStep(graph, gx, h ?? zerosState(graph, x, 0, H), c ?? zerosState(graph, x, 0, H), module, module, context);
}

/** [x, h0?] (x [T, B, I] or batch-first; h0 [1, B, H]) → [output, h_n]. */
function exportClockwork(module: ClockworkRNN, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const [x, h0] = inputs;
  if (!x || x.rank !== 3 || inputs.length > 2)
    throw new ValueError(
      `exportOnnx: ClockworkRNN takes [x of rank 3, h0?] (no lengths); got ${inputs.length} inputs, x of rank ${x?.rank ?? 'none'}`,
    );
  const graph = context.graph;
  const H = module.hiddenSize;
  const sequence = module.batchFirst ? graph.transpose(x, [1, 0, 2]) : x;
  let gx = graph.op('MatMul', [sequence, graph.transpose(context.weight(module, 'weight_ih', module.weightIh), [1, 0])], 3);
  if (module.biasIh) gx = graph.add(gx, context.weight(module, 'bias_ih', module.biasIh));
  // W_hh ⊙ M (row r hears column c when p(c) ≥ p(r)), transposed for h·Wᵀ.
  const period = (unit: number) => module.periods[Math.floor(unit / module.moduleSize)]!;
  const mask = new Float32Array(H * H);
  for (let r = 0; r < H; r++) for (let col = 0; col < H; col++) mask[r * H + col] = period(col) >= period(r) ? 1 : 0;
  const masked = graph.op('Mul', [context.weight(module, 'weight_hh', module.weightHh), graph.initializer('clock_mask', mask, [H, H])], 2);
  const recurrentWeight = graph.transpose(masked, [1, 0]);
  // active [T, H]: step t mod the unit's period is 0.
  const steps = graph.op(
    'Range',
    [
      graph.int64s('start', [0], true),
      graph.op(
        'Squeeze',
        [graph.op('Slice', [graph.op('Shape', [sequence], 1), graph.int64s('starts', [0]), graph.int64s('ends', [1])], 1)],
        0,
      ),
      graph.int64s('delta', [1], true),
    ],
    1,
  );
  const periods = graph.int64s(
    'unit_periods',
    Array.from({ length: H }, (_, unit) => period(unit)),
  );
  const phase = graph.op('Mod', [graph.op('Unsqueeze', [steps, graph.int64s('axes', [1])], 2), periods], 2);
  const active = graph.op('Equal', [phase, graph.int64s('zero', [0], true)], 2);
  const body = new OnnxGraph(graph);
  const h = body.bodyInput('h', 'float32', 2);
  const step = body.bodyInput('gx_t', 'float32', 2);
  const on = body.bodyInput('active_t', 'bool', 1);
  let pre = body.add(step, body.op('MatMul', [h, recurrentWeight], 2));
  if (module.biasHh) pre = body.add(pre, context.weight(module, 'bias_hh', module.biasHh));
  const hNext = body.op('Where', [on, body.tanh(pre), h], 2);
  body.bodyOutput(hNext, 'h_next');
  body.bodyOutput(hNext, 'y_t');
  const [hN, y] = graph.node('Scan', [h0 ? graph.select(h0, 0, 0) : zerosState(graph, sequence, 1, H), gx, active], [2, 3], {
    body: { graph: body },
    num_scan_inputs: { int: 2 },
  });
  return [module.batchFirst ? graph.transpose(y!, [1, 0, 2]) : y!, graph.op('Unsqueeze', [hN!, graph.int64s('axes', [0])], 3)];
}

export function installScanExporters(): void {
  registerDefaultExporter(LayerNormLSTM, exportLayerNormLstm);
  registerDefaultExporter(LayerNormLSTMCell, exportLayerNormLstmCell);
  registerDefaultExporter(ClockworkRNN, exportClockwork);
}
