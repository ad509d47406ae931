// The fused LSTM/GRU cell kernels (forward and backward) of FusedKernels: argument checks as the
// CPU backend makes them, then one dispatch over the B×H state (shaders in fused-cells-wgsl.ts).
// B batch, H hidden; LSTM gates i f g o, GRU gates r z n.

import { ShapeError, fmtShape, type FusedKernels } from '@recur/backend';
import { coversBuffer, expectDType, viewHandle, type GpuView } from './check.js';
import { ELEMENTWISE_WORKGROUP } from './elementwise-wgsl.js';
import { CELL_OPERANDS, CELL_OUTPUTS, cellShader, type CellKernel } from './fused-cells-wgsl.js';
import type { KernelContext } from './kernel-context.js';
import type { WebGPUBuffer } from './memory.js';

function sizes(op: string, gates: GpuView, gateCount: number): { batch: number; hidden: number } {
  if (gates.shape.length !== 2 || gates.shape[1]! % gateCount !== 0) {
    throw new ShapeError(`${op}: gates must be [batch, ${gateCount}·hidden]; got ${fmtShape(gates.shape)}`);
  }
  return { batch: gates.shape[0]!, hidden: gates.shape[1]! / gateCount };
}

/** Gate-sized operands are [B, gates·H]; the rest [B, H]. */
const WIDE: Record<CellKernel, readonly string[]> = {
  lstmCell: ['gates', 'act'],
  lstmCellBackward: ['act', 'dGates'],
  gruCell: ['gx', 'gh', 'act'],
  gruCellBackward: ['act', 'gh', 'dgx', 'dgh'],
};

function runCell(context: KernelContext, kernel: CellKernel, views: readonly (GpuView | undefined)[], gateCount: number): void {
  context.health.check(kernel);
  const names = CELL_OPERANDS[kernel];
  const { batch, hidden } = sizes(kernel, views[0]!, gateCount);
  const present = names
    .map((name, k) => [name, views[k]] as const)
    .filter((entry): entry is readonly [string, GpuView] => entry[1] !== undefined);
  const params = [batch, hidden];
  const operands = present.map(([name, view]) => {
    const handle = viewHandle(context.memory, kernel, name, view);
    expectDType(kernel, name, view.dtype, ['float32']);
    const cols = WIDE[kernel].includes(name) ? gateCount * hidden : hidden;
    if (view.shape.length !== 2 || view.shape[0] !== batch || view.shape[1] !== cols) {
      throw new ShapeError(`${kernel}: ${name} must be ${fmtShape([batch, cols])}; got ${fmtShape(view.shape)}`);
    }
    params.push(view.offset, view.strides[0]!, view.strides[1]!);
    const output = CELL_OUTPUTS[kernel].includes(name);
    return { handle, access: output ? ('read_write' as const) : ('read' as const), overwrite: output && coversBuffer(view) };
  });
  const withAct = present.length === names.length;
  context.run({
    key: `${kernel}:${withAct ? 'act' : 'noact'}`,
    operands,
    shader: (bindings) => cellShader(bindings, kernel, withAct),
    params,
    groups: Math.ceil((batch * hidden) / ELEMENTWISE_WORKGROUP),
  });
}

export function fusedCells(
  context: KernelContext,
): Required<
  Omit<
    FusedKernels<WebGPUBuffer>,
    | 'adamStep'
    | 'layerNormLstmCell'
    | 'layerNormLstmCellBackward'
    | 'recurrentSequence'
    | 'recurrentSequenceBackward'
    | 'layerNormLstmSequence'
    | 'layerNormLstmSequenceBackward'
  >
> {
  return {
    lstmCell: (gates, c, h, cNext, act) => runCell(context, 'lstmCell', [gates, c, h, cNext, act], 4),
    lstmCellBackward: (act, c, cNext, dh, dcNext, dGates, dc) =>
      runCell(context, 'lstmCellBackward', [act, c, cNext, dh, dcNext, dGates, dc], 4),
    gruCell: (gx, gh, h, hNext, act) => runCell(context, 'gruCell', [gx, gh, h, hNext, act], 3),
    gruCellBackward: (act, gh, h, dhNext, dgx, dgh, dh) => runCell(context, 'gruCellBackward', [act, gh, h, dhNext, dgx, dgh, dh], 3),
  };
}
