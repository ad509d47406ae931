// The fused Adam / AdamW step: one pass over a parameter and its moments (contract in
// @recur/backend fused.ts), with the scalars computed on the host in float64 and rounded to f32
// exactly as the CPU backend does. g gradient, p parameter, m and v moments, vmax AMSGrad's max.

import { ValueError, expectDisjoint, sizeOf, type AdamStepParams, type FusedKernels } from '@recur/backend';
import type { Bindings } from './bindings.js';
import { expectDType, expectSameShape, viewHandle, type GpuView } from './check.js';
import { ELEMENTWISE_WORKGROUP } from './elementwise-wgsl.js';
import { FIRST_PARAM, type KernelContext } from './kernel-context.js';
import type { WebGPUBuffer } from './memory.js';
import { layoutWordCount, layoutWords, offsetCode, stridedLayout } from './strided-layout.js';
import { f32Bits, type ShaderParts } from './wgsl-prelude.js';

const SCALARS = ['b1', 'oneMinusB1', 'b2', 'oneMinusB2', 'lambda', 'decay', 'stepSize', 'biasCorrection2Sqrt', 'epsilon'] as const;

interface AdamFlags {
  readonly maximize: boolean;
  readonly coupled: boolean;
  readonly shrink: boolean;
  readonly amsgrad: boolean;
}

/** Operands: 0 p, 1 g, 2 m, 3 v, 4 vmax. Param words: [n, layout, scalars…]. */
function adamShader(bindings: Bindings, rank: number, operands: number, flags: AdamFlags): ShaderParts {
  const scalarBase = FIRST_PARAM + 1 + layoutWordCount(rank, operands);
  const s = (name: (typeof SCALARS)[number]): string => `pf(${scalarBase + SCALARS.indexOf(name)}u)`;
  const lines = [
    `  let i = group * ${ELEMENTWISE_WORKGROUP}u + lid;`,
    `  if (i >= pu(${FIRST_PARAM}u)) { return; }`,
    offsetCode(rank, operands, FIRST_PARAM + 1, 'i'),
    `  var g = ${flags.maximize ? '-' : ''}${bindings.load(1, 'o1', 'f32')};`,
    `  var pv = ${bindings.load(0, 'o0', 'f32')};`,
    flags.coupled ? `  g = g + pv * ${s('lambda')};` : '',
    flags.shrink ? `  pv = pv * ${s('decay')};` : '',
    `  let m = ${bindings.load(2, 'o2', 'f32')} * ${s('b1')} + g * ${s('oneMinusB1')};`,
    `  let v = ${bindings.load(3, 'o3', 'f32')} * ${s('b2')} + (g * g) * ${s('oneMinusB2')};`,
    `  ${bindings.store(2, 'o2', 'm', 'f32')}`,
    `  ${bindings.store(3, 'o3', 'v', 'f32')}`,
    '  var second = v;',
  ];
  if (flags.amsgrad) {
    lines.push(`  second = max(${bindings.load(4, 'o4', 'f32')}, v);`, `  ${bindings.store(4, 'o4', 'second', 'f32')}`);
  }
  lines.push(
    `  let denom = sqrt(second) / ${s('biasCorrection2Sqrt')} + ${s('epsilon')};`,
    `  ${bindings.store(0, 'o0', `pv - (m * ${s('stepSize')}) / denom`, 'f32')}`,
  );
  return { workgroupSize: ELEMENTWISE_WORKGROUP, body: lines.filter(Boolean).join('\n') };
}

export function fusedAdam(context: KernelContext): NonNullable<FusedKernels<WebGPUBuffer>['adamStep']> {
  return (param, grad, expAvg, expAvgSq, maxExpAvgSq, params: AdamStepParams) => {
    const op = 'adamStep';
    context.health.check(op);
    const named: [string, GpuView][] = [
      ['param', param],
      ['grad', grad],
      ['expAvg', expAvg],
      ['expAvgSq', expAvgSq],
    ];
    if (params.amsgrad) {
      if (!maxExpAvgSq) throw new ValueError(`${op}: amsgrad needs maxExpAvgSq; got null`);
      named.push(['maxExpAvgSq', maxExpAvgSq]);
    }
    if (!Number.isInteger(params.step) || params.step < 1) {
      throw new ValueError(`${op}: step must be an integer ≥ 1 (the step being taken); got ${params.step}`);
    }
    const handles = named.map(([name, view]) => {
      const handle = viewHandle(context.memory, op, name, view);
      expectDType(op, name, view.dtype, ['float32']);
      expectSameShape(op, `param and ${name}`, param.shape, view.shape);
      return handle;
    });
    expectDisjoint(op, named);
    const n = sizeOf(param.shape);
    if (n === 0) return;
    const { lr, beta1, beta2, eps, weightDecay, step, decoupled, maximize, amsgrad } = params;
    const flags: AdamFlags = { maximize, amsgrad, coupled: weightDecay !== 0 && !decoupled, shrink: weightDecay !== 0 && decoupled };
    const scalars: Record<(typeof SCALARS)[number], number> = {
      b1: beta1,
      oneMinusB1: 1 - beta1,
      b2: beta2,
      oneMinusB2: 1 - beta2,
      lambda: weightDecay,
      decay: 1 - lr * weightDecay,
      stepSize: lr / (1 - beta1 ** step),
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
      epsilon: eps,
    };
    const layout = stridedLayout(
      param.shape,
      named.map(([, view]) => view),
    );
    const rank = layout.shape.length;
    const count = named.length;
    context.run({
      key: `adamStep:${Object.entries(flags)
        .filter(([, on]) => on)
        .map(([flag]) => flag)
        .join(',')}:r${rank}`,
      operands: handles.map((handle, k) => ({ handle, access: k === 1 ? 'read' : 'read_write' })),
      shader: (bindings) => adamShader(bindings, rank, count, flags),
      params: [n, ...layoutWords(layout), ...SCALARS.map((name) => f32Bits(scalars[name]))],
      groups: Math.ceil(n / ELEMENTWISE_WORKGROUP),
    });
  };
}
