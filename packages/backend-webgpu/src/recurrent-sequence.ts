// FusedKernels.recurrentSequence and its backward on WebGPU: argument checks, then one dispatch per
// layer-direction (shaders in recurrent-sequence-wgsl.ts), or false — nothing recorded — when the
// policy says per-step (recurrent-policy.ts: a fallback adapter) or the shape does not fit the
// device (workgroup memory, storage bindings, step count), so the scan driver runs its per-step
// path. With half-float weights W_hh is read from a cached converted copy (half-weights.ts).
// B batch, T steps, H hidden, G gate blocks, R rows per workgroup.

import {
  ShapeError,
  ValueError,
  fmtShape,
  type FusedKernels,
  type RecurrentSequenceArgs,
  type RecurrentSequenceGradArgs,
  type RecurrentSequenceLayout,
} from '@recur/backend';
import { coversBuffer, expectDType, viewHandle, type GpuView } from './check.js';
import { HalfWeights } from './half-weights.js';
import type { KernelContext, KernelOperand } from './kernel-context.js';
import type { WebGPUBuffer } from './memory.js';
import type { RecurrentPolicy } from './recurrent-policy.js';
import { GATE_BLOCKS, HEADER_WORDS, backwardShader, forwardShader, workgroupWords, type SequenceShape } from './recurrent-sequence-wgsl.js';

/** The device limits the kernels are planned with (the device's, possibly lowered by options). */
export interface SequenceLimits {
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxStorageBuffersPerShaderStage: number;
}

/** Param words per dispatch at most (the row offsets grow with T); longer sequences take the per-step path. */
export const MAX_PARAM_WORDS = 4096;

/** Invocations per workgroup at most: one per hidden unit at common sizes. */
export const MAX_WORKGROUP = 256;

/** Batch rows per workgroup at most (the forward keeps a few dot products per row in registers). */
export const MAX_ROWS = 8;

/** A named operand of a walk: its view, the [rows, cols] it must cover, and whether the kernel writes it. */
export interface Operand {
  readonly name: string;
  readonly view: GpuView;
  readonly rows: number;
  readonly cols: number;
  readonly output?: boolean;
}

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

/**
 * R, the workgroup size and the workgroup count for this shape, or null when one row does not fit
 * workgroup memory. An invocation handles one unit j of every row, so W_hh is read once per step
 * for R rows; R stays ≤ MAX_ROWS so its accumulators (R·G) stay in registers.
 */
function planRows(limits: SequenceLimits, layout: RecurrentSequenceLayout, hidden: number, backward: boolean) {
  const batch = layout.batchSizes[0]!;
  const lanes = Math.min(MAX_WORKGROUP, limits.maxComputeInvocationsPerWorkgroup);
  const byMemory = Math.floor(limits.maxComputeWorkgroupStorageSize / (4 * workgroupWords(layout.cell, hidden, backward)));
  const rows = Math.min(batch, byMemory, MAX_ROWS);
  if (rows < 1) return null;
  const workgroupSize = Math.min(lanes, Math.ceil(hidden / 32) * 32);
  return { rows, workgroupSize, groups: Math.ceil(batch / rows) };
}

/** What every call of this backend's kernels shares: the limits, the policy and the half-float copies of W_hh. */
interface Setup {
  readonly context: KernelContext;
  readonly limits: SequenceLimits;
  readonly policy: RecurrentPolicy;
  readonly half: HalfWeights | null;
}

function run(
  { context, limits, policy, half }: Setup,
  op: string,
  layout: RecurrentSequenceLayout,
  hidden: number,
  given: readonly Operand[],
  backward: boolean,
): boolean {
  context.health.check(op);
  const offsets = rowOffsets(op, layout.batchSizes);
  const steps = layout.batchSizes.length;
  for (const { name, view, rows, cols } of given) {
    expectDType(op, name, view.dtype, ['float32']);
    if (view.shape.length > 2 || view.shape[0] !== rows || (view.shape[1] ?? 1) !== cols) {
      throw new ShapeError(`${op}: ${name} must be ${fmtShape([rows, cols])}; got ${fmtShape(view.shape)}`);
    }
  }
  if (!policy.wholeSequence) return false;
  const plan = planRows(limits, layout, hidden, backward);
  const words = HEADER_WORDS + 3 * given.length + steps + 1;
  // The half-float copy of W_hh is a buffer of its own.
  const bound = half ? given.filter((operand) => operand.name !== 'w') : given;
  const buffers = new Set(bound.map((operand) => operand.view.buffer)).size + (half ? 1 : 0);
  if (!plan || words > MAX_PARAM_WORDS || buffers > limits.maxStorageBuffersPerShaderStage) return false;
  // Converted only now that the kernel runs (a declined call records nothing).
  const operands = half
    ? given.map((operand) => (operand.name === 'w' ? { ...operand, view: half.packed(op, 'weightHh', operand.view) } : operand))
    : given;
  const handles = operands.map(({ name, view }) => viewHandle(context.memory, op, name, view));
  const params = [layout.batchSizes[0]!, steps, layout.reverse ? 1 : 0];
  const kernelOperands: KernelOperand[] = operands.map(({ view, output }, k) => {
    // A 1-D operand (b_hh) reads as row 0 of a [1, G·H] matrix.
    const [rowStride, colStride] = view.shape.length === 2 ? [view.strides[0]!, view.strides[1]!] : [0, view.strides[0]!];
    params.push(view.offset, rowStride, colStride);
    return { handle: handles[k]!, access: output ? 'read_write' : 'read', overwrite: output === true && coversBuffer(view) };
  });
  params.push(...offsets);
  const shape: SequenceShape = {
    cell: layout.cell,
    hidden,
    rows: plan.rows,
    workgroupSize: plan.workgroupSize,
    names: operands.map((operand) => operand.name),
    halfWeights: half !== null,
  };
  context.run({
    key: `${op}:${layout.cell}:h${hidden}:r${plan.rows}:w${plan.workgroupSize}:${shape.names.join(',')}${half ? ':f16' : ''}`,
    operands: kernelOperands,
    shader: (bindings) => (backward ? backwardShader(bindings, shape) : forwardShader(bindings, shape)),
    params,
    groups: plan.groups,
  });
  return true;
}

function sizes(op: string, args: RecurrentSequenceLayout & { readonly weightHh: GpuView }) {
  if (!(args.cell in GATE_BLOCKS))
    throw new ValueError(`${op}: cell must be one of ${Object.keys(GATE_BLOCKS).join(', ')}; got '${args.cell}'`);
  const gates = GATE_BLOCKS[args.cell];
  const [width, hidden] = args.weightHh.shape;
  if (args.weightHh.shape.length !== 2 || width !== gates * hidden!) {
    throw new ShapeError(`${op}: weightHh must be [${gates}·hidden, hidden]; got ${fmtShape(args.weightHh.shape)}`);
  }
  const batch = args.batchSizes[0] ?? 0;
  const rows = args.batchSizes.reduce((sum, size) => sum + size, 0);
  return { gates, hidden: hidden!, width, batch, rows, stateCount: args.cell === 'lstm' ? 2 : 1 };
}

function expectCount(op: string, name: string, list: readonly unknown[], count: number): void {
  if (list.length !== count) throw new ValueError(`${op}: ${name} must hold ${count} views; got ${list.length}`);
}

function forward(setup: Setup, args: RecurrentSequenceArgs<WebGPUBuffer>): boolean {
  const op = 'recurrentSequence';
  const { hidden, width, batch, rows, stateCount } = sizes(op, args);
  expectCount(op, 'initial', args.initial, stateCount);
  expectCount(op, 'states', args.states, stateCount);
  const gru = args.cell === 'gru';
  if (gru !== (args.recurrent !== null))
    throw new ValueError(`${op}: recurrent is given exactly for gru; got it ${gru ? 'missing' : 'present'}`);
  const rnn = args.cell === 'rnn_tanh' || args.cell === 'rnn_relu';
  if (rnn && args.activations) throw new ValueError(`${op}: ${args.cell} keeps no activations; got a view`);
  const operands: Operand[] = [
    { name: 'gates', view: args.gates, rows, cols: width },
    { name: 'h0', view: args.initial[0]!, rows: batch, cols: hidden },
    { name: 'w', view: args.weightHh, rows: width, cols: hidden },
    { name: 'h', view: args.states[0]!, rows, cols: hidden, output: true },
  ];
  if (args.cell === 'lstm') {
    operands.push({ name: 'c0', view: args.initial[1]!, rows: batch, cols: hidden });
    operands.push({ name: 'c', view: args.states[1]!, rows, cols: hidden, output: true });
  }
  if (args.biasHh && args.biasHh.shape.length !== 1)
    throw new ShapeError(`${op}: biasHh must be [${width}]; got ${fmtShape(args.biasHh.shape)}`);
  // b_hh [G·H] passes the [rows, cols] check as [G·H, 1] and binds as row 0 of a matrix.
  if (gru && args.biasHh) operands.push({ name: 'bias', view: args.biasHh, rows: width, cols: 1 });
  if (args.recurrent) operands.push({ name: 'gh', view: args.recurrent, rows, cols: width, output: true });
  if (args.activations) operands.push({ name: 'act', view: args.activations, rows, cols: width, output: true });
  return run(setup, op, args, hidden, operands, false);
}

function backward(setup: Setup, args: RecurrentSequenceGradArgs<WebGPUBuffer>): boolean {
  const op = 'recurrentSequenceBackward';
  const { hidden, width, batch, rows, stateCount } = sizes(op, args);
  for (const [name, list] of [
    ['initial', args.initial],
    ['states', args.states],
    ['dStates', args.dStates],
    ['dInitial', args.dInitial],
  ] as const)
    expectCount(op, name, list, stateCount);
  const gru = args.cell === 'gru';
  const rnn = !gru && args.cell !== 'lstm';
  if (!rnn && !args.activations) throw new ValueError(`${op}: ${args.cell} needs the forward's activations; got null`);
  if (gru && !(args.recurrent && args.dRecurrent)) throw new ValueError(`${op}: gru needs recurrent and dRecurrent; got null`);
  const operands: Operand[] = [
    { name: 'w', view: args.weightHh, rows: width, cols: hidden },
    { name: 'dh', view: args.dStates[0]!, rows, cols: hidden },
    { name: 'dg', view: args.dGates, rows, cols: width, output: true },
    { name: 'dh0', view: args.dInitial[0]!, rows: batch, cols: hidden, output: true },
  ];
  if (args.cell !== 'lstm') operands.push({ name: 'h', view: args.states[0]!, rows, cols: hidden });
  if (gru) operands.push({ name: 'h0', view: args.initial[0]!, rows: batch, cols: hidden });
  if (args.cell === 'lstm') {
    operands.push({ name: 'c', view: args.states[1]!, rows, cols: hidden });
    operands.push({ name: 'c0', view: args.initial[1]!, rows: batch, cols: hidden });
    operands.push({ name: 'dc', view: args.dStates[1]!, rows, cols: hidden });
    operands.push({ name: 'dc0', view: args.dInitial[1]!, rows: batch, cols: hidden, output: true });
  }
  if (!rnn) operands.push({ name: 'act', view: args.activations!, rows, cols: width });
  if (gru) {
    operands.push({ name: 'gh', view: args.recurrent!, rows, cols: width });
    operands.push({ name: 'dr', view: args.dRecurrent!, rows, cols: width, output: true });
  }
  return run(setup, op, args, hidden, operands, true);
}

export function recurrentSequenceKernels(
  context: KernelContext,
  limits: SequenceLimits,
  policy: RecurrentPolicy,
): Required<Pick<FusedKernels<WebGPUBuffer>, 'recurrentSequence' | 'recurrentSequenceBackward'>> {
  const setup: Setup = { context, limits, policy, half: policy.weights === 'float16' ? new HalfWeights(context) : null };
  return {
    recurrentSequence: (args) => forward(setup, args),
    recurrentSequenceBackward: (args) => backward(setup, args),
  };
}
