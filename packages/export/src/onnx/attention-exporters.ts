// ONNX export of the attention modules, with opset 17's plain ops (MatMul, Softmax, Where…):
// scaledDotProductAttention A = softmax(q·s·kᵀ + M)·v (a graph helper for custom exporters);
// MultiheadAttention (H heads of d = E/H, masks as inputs); Additive and General attention
// (batch-first [B, T, D]; the optional key mask [B, Tk] is bool, true = a real key).

import { ValueError } from '@recur/backend';
import { AdditiveAttention, GeneralAttention, MultiheadAttention } from '@recur/cells';
import { registerDefaultExporter, type ExportContext } from './context.js';
import type { OnnxGraph, OnnxValue } from './graph.js';

const NEG_INF = Float32Array.of(-Infinity);

/** An additive mask from a bool one: −∞ where `masked` is true, 0 elsewhere. */
function additiveFromBool(graph: OnnxGraph, masked: OnnxValue): OnnxValue {
  return graph.op(
    'Where',
    [masked, graph.initializer('neg_inf', NEG_INF, []), graph.initializer('zero', Float32Array.of(0), [])],
    masked.rank,
  );
}

/**
 * torch.nn.functional.scaled_dot_product_attention in a graph: q [..., L, E], k [..., S, E],
 * v [..., S, Ev], `mask` additive (float, broadcast to [..., L, S]) → [output, weights].
 * q is scaled before the product, as Recur's attend does (the same rounding).
 */
export function scaledDotProductAttention(
  graph: OnnxGraph,
  query: OnnxValue,
  key: OnnxValue,
  value: OnnxValue,
  options: { readonly scale: number; readonly mask?: OnnxValue },
): [OnnxValue, OnnxValue] {
  const rank = query.rank;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  const scaled = graph.op('Mul', [query, graph.initializer('scale', Float32Array.of(options.scale), [])], rank);
  let scores = graph.op('MatMul', [scaled, graph.transpose(key, perm)], rank);
  if (options.mask) scores = graph.add(scores, options.mask);
  const weights = graph.softmax(scores, -1);
  return [graph.op('MatMul', [weights, value], rank), weights];
}

/** x [..., F]·Wᵀ (+ b) for a weight given as an initializer. */
function project(graph: OnnxGraph, x: OnnxValue, weight: OnnxValue, bias: OnnxValue | undefined): OnnxValue {
  const product = graph.op('MatMul', [x, graph.transpose(weight, [1, 0])], x.rank);
  return bias ? graph.add(product, bias) : product;
}

/** Rows [start, start + count) of a [R, …] or [R] initializer, as a constant slice. */
function rowsOf(graph: OnnxGraph, value: OnnxValue, start: number, count: number): OnnxValue {
  return graph.op(
    'Slice',
    [value, graph.int64s('starts', [start]), graph.int64s('ends', [start + count]), graph.int64s('axes', [0])],
    value.rank,
  );
}

/**
 * Inputs [query, key, value, keyPaddingMask?, attnMask?] (batched: [L, N, E], or [N, L, E] with
 * batchFirst; masks bool, true = masked, as PyTorch's) → [attnOutput, attnWeights averaged over heads].
 */
function exportMultiheadAttention(
  module: MultiheadAttention,
  inputs: readonly (OnnxValue | undefined)[],
  context: ExportContext,
): OnnxValue[] {
  const [query, key, value, keyPadding, attnMask] = inputs;
  if (!query || !key || !value || inputs.length > 5)
    throw new ValueError(
      `exportOnnx: MultiheadAttention takes [query, key, value, keyPaddingMask?, attnMask?]; got ${inputs.length} inputs`,
    );
  if (query.rank !== 3 || key.rank !== 3 || value.rank !== 3)
    throw new ValueError(
      `exportOnnx: MultiheadAttention exports batched inputs of rank 3; got ranks ${query.rank}, ${key.rank}, ${value.rank}`,
    );
  if (module.biasK || module.addZeroAttn)
    throw new ValueError('exportOnnx: MultiheadAttention with addBiasKv or addZeroAttn has no ONNX exporter; expected both off');
  const graph = context.graph;
  const E = module.embedDim;
  const H = module.numHeads;
  const d = module.headDim;
  const bias = module.inProjBias ? context.weight(module, 'in_proj_bias', module.inProjBias) : undefined;
  const part = (i: number) => (bias ? rowsOf(graph, bias, i * E, E) : undefined);
  const weights = module.inProjWeight
    ? [0, 1, 2].map((i) => rowsOf(graph, context.weight(module, 'in_proj_weight', module.inProjWeight!), i * E, E))
    : [
        context.weight(module, 'q_proj_weight', module.qProjWeight!),
        context.weight(module, 'k_proj_weight', module.kProjWeight!),
        context.weight(module, 'v_proj_weight', module.vProjWeight!),
      ];
  // [A, B, E] → [A, B, H, d] → [N, H, T, d] (A, B = N, T batch-first, else T, N).
  const heads = (x: OnnxValue) =>
    graph.transpose(graph.op('Reshape', [x, graph.int64s('shape', [0, 0, H, d])], 4), module.batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3]);
  const [q, k, v] = [query, key, value].map((x, i) => heads(project(graph, x, weights[i]!, part(i))));
  let mask: OnnxValue | undefined;
  if (keyPadding) {
    // [N, S] → [N, 1, 1, S].
    mask = additiveFromBool(graph, graph.op('Unsqueeze', [keyPadding, graph.int64s('axes', [1, 2])], 4));
  }
  if (attnMask) {
    if (attnMask.rank !== 2) throw new ValueError(`exportOnnx: MultiheadAttention attnMask must be [L, S]; got rank ${attnMask.rank}`);
    const additive = additiveFromBool(graph, attnMask);
    mask = mask ? graph.add(mask, additive) : additive;
  }
  const [attended, attention] = scaledDotProductAttention(graph, q!, k!, v!, { scale: 1 / Math.sqrt(d), mask });
  // [N, H, L, d] → [N, L, H, d] / [L, N, H, d] → [.., .., E].
  const merged = graph.op(
    'Reshape',
    [graph.transpose(attended, module.batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]), graph.int64s('shape', [0, 0, E])],
    3,
  );
  const [output] = context.call(module.outProj, [merged]);
  return [output!, graph.op('ReduceMean', [attention], 3, { axes: { ints: [1] }, keepdims: { int: 0 } })];
}

/** softmax over keys of scores [B, Tq, Tk] (false keys of mask [B, Tk] at −∞), weights·value. */
function maskedContext(graph: OnnxGraph, scores: OnnxValue, value: OnnxValue, mask: OnnxValue | undefined): OnnxValue[] {
  let masked = scores;
  if (mask) {
    const keep = graph.op('Unsqueeze', [mask, graph.int64s('axes', [1])], 3);
    masked = graph.op('Where', [keep, scores, graph.initializer('neg_inf', NEG_INF, [])], 3);
  }
  const weights = graph.softmax(masked, -1);
  return [graph.op('MatMul', [weights, value], 3), weights];
}

function checkBatchFirst(
  name: string,
  inputs: readonly (OnnxValue | undefined)[],
): [OnnxValue, OnnxValue, OnnxValue, OnnxValue | undefined] {
  const [query, key, value, mask] = inputs;
  if (!query || !key || !value || inputs.length > 4 || [query, key, value].some((x) => x.rank !== 3))
    throw new ValueError(
      `exportOnnx: ${name} takes [query, key, value] of rank 3 and an optional mask [B, Tk]; got ${inputs.length} inputs`,
    );
  return [query, key, value, mask];
}

/** [query, key, value, mask?] → [context [B, Tq, Dv], weights [B, Tq, Tk]]; score = v·tanh(W_q q + W_k k + b_k). */
function exportAdditive(module: AdditiveAttention, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const [query, key, value, mask] = checkBatchFirst('AdditiveAttention', inputs);
  const graph = context.graph;
  const [q] = context.call(module.queryProj, [query]);
  const [k] = context.call(module.keyProj, [key]);
  // [B, Tq, 1, A] + [B, 1, Tk, A].
  const hidden = graph.tanh(
    graph.add(graph.op('Unsqueeze', [q!, graph.int64s('axes', [2])], 4), graph.op('Unsqueeze', [k!, graph.int64s('axes', [1])], 4)),
  );
  const [score] = context.call(module.v, [hidden]);
  const scores = graph.op('Squeeze', [score!, graph.int64s('axes', [-1])], 3);
  return maskedContext(graph, scores, value, mask);
}

/** [query, key, value, mask?] → [context, weights]; score = (q·W)·kᵀ. */
function exportGeneral(module: GeneralAttention, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const [query, key, value, mask] = checkBatchFirst('GeneralAttention', inputs);
  const graph = context.graph;
  const projected = graph.op('MatMul', [query, context.weight(module, 'weight', module.weight)], 3);
  const scores = graph.op('MatMul', [projected, graph.transpose(key, [0, 2, 1])], 3);
  return maskedContext(graph, scores, value, mask);
}

export function installAttentionExporters(): void {
  registerDefaultExporter(MultiheadAttention, exportMultiheadAttention);
  registerDefaultExporter(AdditiveAttention, exportAdditive);
  registerDefaultExporter(GeneralAttention, exportGeneral);
}
