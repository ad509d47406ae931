// FusedKernels.layerNormLstmSequence and its backward on WebGPU: argument checks, then one walk
// dispatch forward and a walk plus a finish dispatch backward (shaders in layer-norm-lstm-sequence-wgsl.ts),
// or false — nothing recorded — when the shape does not fit the device, so the scan driver runs
// its per-step path. B batch, T steps, H hidden, W = 4H, N packed rows, R rows per workgroup.

import {
  ShapeError,
  ValueError,
  fmtShape,
  type FusedKernels,
  type LayerNormLstmNorms,
  type LayerNormLstmSequenceArgs,
  type LayerNormLstmSequenceGradArgs,
} from '@recur/backend';
import { coversBuffer, expectDType, viewHandle, type GpuView } from './check.js';
import type { KernelContext, KernelOperand } from './kernel-context.js';
import {
  FINISH_WORKGROUP,
  HEADER_WORDS,
  PARTIAL_COLUMNS,
  finishShader,
  walkBackwardShader,
  walkForwardShader,
  walkWords,
  type LayerNormWalkShape,
} from './layer-norm-lstm-sequence-wgsl.js';
import type { WebGPUBuffer } from './memory.js';
import { MAX_PARAM_WORDS, MAX_ROWS, MAX_WORKGROUP, type Operand, type SequenceLimits } from './recurrent-sequence.js';
import { f32Bits } from './wgsl-prelude.js';

/** Storage buffers the backward binds beyond the forward's own: dh, dc, dGates, dRecurrent and its partial sums. */
const BACKWARD_EXTRA_BUFFERS = 5;

/** The argument each shader operand comes from, for messages. */
const LABELS: Readonly<Record<string, string>> = {
  w: 'weightHh',
  h0: 'initial[0]',
  c0: 'initial[1]',
  h: 'states[0]',
  c: 'states[1]',
  rec: 'recurrent',
  sv: 'saved',
  dh: 'dStates[0]',
  dc: 'dStates[1]',
  dg: 'dGates',
  dr: 'dRecurrent',
  dh0: 'dInitial[0]',
  dc0: 'dInitial[1]',
  ...Object.fromEntries(
    ['', 'd'].flatMap((prefix) =>
      Object.entries({ gh: 'gammaH', bh: 'betaH', gc: 'gammaC', bc: 'betaC' }).map(([name, field]) => [
        `${prefix}${name}`,
        `${prefix ? 'dNorms' : 'norms'}.${field}`,
      ]),
    ),
  ),
};

const label = (name: string): string => LABELS[name] ?? name;

type Layout = Pick<LayerNormLstmSequenceArgs, 'batchSizes' | 'reverse'>;

/** Row offsets o_0 … o_T of the packed layout, after checking the batch sizes. */
function rowOffsets(op: string, batchSizes: Int32Array): Int32Array {
  if (batchSizes.length === 0) throw new ValueError(`${op}: batchSizes must hold at least one step; got none`);
  const offsets = new Int32Array(batchSizes.length + 1);
  let previous = batchSizes[0]!;
  batchSizes.forEach((size, t) => {
    if (!(size >= 1 && size <= previous)) {
      throw new ValueError(`${op}: batchSizes must be positive and non-increasing; got ${size} at step ${t} after ${previous}`);
    }
    previous = size;
    offsets[t + 1] = offsets[t]! + size;
  });
  return offsets;
}

const floorPow2 = (x: number): number => 2 ** Math.floor(Math.log2(x));

/**
 * WG (a power of two near H), R and the group count, one plan for the forward and the backward so
 * that a walked forward always finds its backward fitting; null when one row does not fit.
 */
function plan(limits: SequenceLimits, batch: number, hidden: number) {
  const lanes = floorPow2(Math.min(MAX_WORKGROUP, limits.maxComputeInvocationsPerWorkgroup));
  const workgroupSize = Math.min(lanes, Math.max(32, 2 ** Math.ceil(Math.log2(hidden))));
  const bytesPerRow = 4 * Math.max(walkWords(hidden, 1, workgroupSize, false), walkWords(hidden, 1, workgroupSize, true));
  const rows = Math.min(batch, MAX_ROWS, Math.floor(limits.maxComputeWorkgroupStorageSize / bytesPerRow));
  return rows < 1 ? null : { rows, workgroupSize, groups: Math.ceil(batch / rows) };
}

function checkOperands(op: string, operands: readonly Operand[]): void {
  for (const { name, view, rows, cols } of operands) {
    expectDType(op, label(name), view.dtype, ['float32']);
    if (view.shape.length > 2 || view.shape[0] !== rows || (view.shape[1] ?? 1) !== cols) {
      throw new ShapeError(`${op}: ${label(name)} must be ${fmtShape(cols === 1 ? [rows] : [rows, cols])}; got ${fmtShape(view.shape)}`);
    }
  }
}

const distinctBuffers = (views: readonly GpuView[]): number => new Set(views.map((view) => view.buffer)).size;

/** Addresses (offset, row stride, column stride) and bindings; a 1-D operand (γ/β) reads as row 0. */
function bind(
  context: KernelContext,
  op: string,
  operands: readonly Operand[],
  params: number[],
  accumulated: ReadonlySet<string> = new Set(),
): KernelOperand[] {
  return operands.map(({ name, view, output }) => {
    const handle = viewHandle(context.memory, op, label(name), view);
    const [rowStride, colStride] = view.shape.length === 2 ? [view.strides[0]!, view.strides[1]!] : [0, view.strides[0]!];
    params.push(view.offset, rowStride, colStride);
    const overwrite = output === true && !accumulated.has(name) && coversBuffer(view);
    return { handle, access: output ? 'read_write' : 'read', overwrite };
  });
}

function sizes(op: string, args: Layout & { readonly weightHh: GpuView; readonly eps: number }) {
  const [width, hidden] = args.weightHh.shape;
  if (args.weightHh.shape.length !== 2 || hidden! < 1 || width !== 4 * hidden!) {
    throw new ShapeError(`${op}: weightHh must be [4·hidden, hidden]; got ${fmtShape(args.weightHh.shape)}`);
  }
  if (!(Number.isFinite(args.eps) && args.eps >= 0)) throw new ValueError(`${op}: eps must be a finite number ≥ 0; got ${args.eps}`);
  const offsets = rowOffsets(op, args.batchSizes);
  return { hidden: hidden!, width, batch: args.batchSizes[0]!, rows: offsets[offsets.length - 1]!, offsets };
}

function normOperands(prefix: string, norms: LayerNormLstmNorms<WebGPUBuffer>, hidden: number, output: boolean): Operand[] {
  const width = 4 * hidden;
  return [
    { name: `${prefix}gh`, view: norms.gammaH, rows: width, cols: 1, output },
    { name: `${prefix}bh`, view: norms.betaH, rows: width, cols: 1, output },
    { name: `${prefix}gc`, view: norms.gammaC, rows: hidden, cols: 1, output },
    { name: `${prefix}bc`, view: norms.betaC, rows: hidden, cols: 1, output },
  ];
}

function forward(context: KernelContext, limits: SequenceLimits, enabled: boolean, args: LayerNormLstmSequenceArgs<WebGPUBuffer>): boolean {
  const op = 'layerNormLstmSequence';
  context.health.check(op);
  const { hidden, width, batch, rows, offsets } = sizes(op, args);
  const operands: Operand[] = [
    { name: 'gates', view: args.gates, rows, cols: width },
    { name: 'h0', view: args.initial[0], rows: batch, cols: hidden },
    { name: 'c0', view: args.initial[1], rows: batch, cols: hidden },
    { name: 'w', view: args.weightHh, rows: width, cols: hidden },
    ...normOperands('', args.norms, hidden, false),
    { name: 'h', view: args.states[0], rows, cols: hidden, output: true },
    { name: 'c', view: args.states[1], rows, cols: hidden, output: true },
    { name: 'rec', view: args.recurrent, rows, cols: width, output: true },
    { name: 'sv', view: args.saved, rows, cols: 5 * hidden + 3, output: true },
  ];
  checkOperands(op, operands);
  const p = plan(limits, batch, hidden);
  const steps = args.batchSizes.length;
  const words = HEADER_WORDS + 3 * operands.length + steps + 1;
  // The backward binds the forward's W_hh, γ_h, γ_c, c, c0, recurrent and saved, and its own gradients.
  const { weightHh, norms, states, initial, recurrent, saved } = args;
  const backwardBuffers = distinctBuffers([weightHh, norms.gammaH, norms.gammaC, states[1], initial[1], recurrent, saved]);
  const maxBuffers = limits.maxStorageBuffersPerShaderStage;
  const tooMany = distinctBuffers(operands.map((o) => o.view)) > maxBuffers || backwardBuffers + BACKWARD_EXTRA_BUFFERS > maxBuffers;
  if (!enabled || !p || words > MAX_PARAM_WORDS || tooMany) return false;
  const params = [batch, steps, args.reverse ? 1 : 0, f32Bits(args.eps)];
  const kernelOperands = bind(context, op, operands, params);
  params.push(...offsets);
  const shape: LayerNormWalkShape = { hidden, rows: p.rows, workgroupSize: p.workgroupSize, names: operands.map((o) => o.name) };
  context.run({
    key: `${op}:h${hidden}:r${p.rows}:w${p.workgroupSize}`,
    operands: kernelOperands,
    shader: (bindings) => walkForwardShader(bindings, shape),
    params,
    groups: p.groups,
  });
  return true;
}

function backward(
  context: KernelContext,
  limits: SequenceLimits,
  enabled: boolean,
  args: LayerNormLstmSequenceGradArgs<WebGPUBuffer>,
): boolean {
  const op = 'layerNormLstmSequenceBackward';
  context.health.check(op);
  const { hidden, width, batch, rows, offsets } = sizes(op, args);
  const operands: Operand[] = [
    { name: 'w', view: args.weightHh, rows: width, cols: hidden },
    { name: 'gh', view: args.norms.gammaH, rows: width, cols: 1 },
    { name: 'gc', view: args.norms.gammaC, rows: hidden, cols: 1 },
    { name: 'c', view: args.states[1], rows, cols: hidden },
    { name: 'c0', view: args.initial[1], rows: batch, cols: hidden },
    { name: 'rec', view: args.recurrent, rows, cols: width },
    { name: 'sv', view: args.saved, rows, cols: 5 * hidden + 3 },
    { name: 'dh', view: args.dStates[0], rows, cols: hidden },
    { name: 'dc', view: args.dStates[1], rows, cols: hidden },
    { name: 'dg', view: args.dGates, rows, cols: width, output: true },
    { name: 'dr', view: args.dRecurrent, rows, cols: width, output: true },
  ];
  const finishing: Operand[] = [
    ...normOperands('d', args.dNorms, hidden, true),
    { name: 'dh0', view: args.dInitial[0], rows: batch, cols: hidden, output: true },
    { name: 'dc0', view: args.dInitial[1], rows: batch, cols: hidden, output: true },
  ];
  // Checked although the walk does not read them: the forward's h, h0 and β.
  checkOperands(op, [
    ...operands,
    ...finishing,
    { name: 'h', view: args.states[0], rows, cols: hidden },
    { name: 'h0', view: args.initial[0], rows: batch, cols: hidden },
    ...normOperands('', args.norms, hidden, false).filter((o) => o.name === 'bh' || o.name === 'bc'),
  ]);
  const p = plan(limits, batch, hidden);
  const steps = args.batchSizes.length;
  const words = HEADER_WORDS + 3 * (operands.length + 2) + steps + 1;
  const maxBuffers = limits.maxStorageBuffersPerShaderStage;
  const tooMany =
    distinctBuffers(operands.map((o) => o.view)) + 1 > maxBuffers || distinctBuffers(finishing.map((o) => o.view)) + 1 > maxBuffers;
  if (!enabled || !p || words > MAX_PARAM_WORDS || tooMany) return false;
  // This call's γ/β partial sums (one row per workgroup), then the carried dh0, dc0 [B, 2H].
  const partialWords = p.groups * PARTIAL_COLUMNS * hidden;
  const scratch = context.memory.alloc(partialWords + 2 * batch * hidden, 'float32');
  const whole = (offset: number, rowStride: number, size: number): GpuView => ({
    buffer: scratch,
    dtype: 'float32',
    shape: [size / rowStride, rowStride],
    strides: [rowStride, 1],
    offset,
  });
  const part: Operand = {
    name: 'part',
    view: whole(0, PARTIAL_COLUMNS * hidden, partialWords),
    rows: p.groups,
    cols: PARTIAL_COLUMNS * hidden,
  };
  const carried: Operand = { name: 'pd', view: whole(partialWords, 2 * hidden, 2 * batch * hidden), rows: batch, cols: 2 * hidden };
  const walked = [...operands, { ...part, output: true }, { ...carried, output: true }];
  const params = [batch, steps, args.reverse ? 1 : 0, f32Bits(args.eps)];
  const walkOperands = bind(context, op, walked, params);
  params.push(...offsets);
  const shape: LayerNormWalkShape = { hidden, rows: p.rows, workgroupSize: p.workgroupSize, names: walked.map((o) => o.name) };
  context.run({
    key: `${op}:h${hidden}:r${p.rows}:w${p.workgroupSize}`,
    operands: walkOperands,
    shader: (bindings) => walkBackwardShader(bindings, shape),
    params,
    groups: p.groups,
  });
  const finished = [part, carried, ...finishing];
  const finishParams = [p.groups, batch];
  // dNorms are read and added to: a recycled buffer must be zeroed first, whatever the view covers.
  const added = new Set(['dgh', 'dbh', 'dgc', 'dbc']);
  const finishOperands = bind(context, op, finished, finishParams, added);
  context.run({
    key: `${op}:finish:h${hidden}`,
    operands: finishOperands,
    shader: (bindings) =>
      finishShader(
        bindings,
        finished.map((o) => o.name),
        hidden,
      ),
    params: finishParams,
    groups: Math.ceil((PARTIAL_COLUMNS * hidden + 2 * batch * hidden) / FINISH_WORKGROUP),
  });
  context.memory.free(scratch);
  return true;
}

/** `wholeSequence` false: both decline every problem (the backend's recurrent policy, e.g. on a fallback adapter). */
export function layerNormLstmSequenceKernels(
  context: KernelContext,
  limits: SequenceLimits,
  wholeSequence: boolean,
): Required<Pick<FusedKernels<WebGPUBuffer>, 'layerNormLstmSequence' | 'layerNormLstmSequenceBackward'>> {
  return {
    layerNormLstmSequence: (args) => forward(context, limits, wholeSequence, args),
    layerNormLstmSequenceBackward: (args) => backward(context, limits, wholeSequence, args),
  };
}
