// The fused Adam / AdamW step on the CPU: one pass over a parameter and its moments instead of
// about a dozen elementwise kernels and their temporaries (contract in @recur/backend fused.ts).
// g gradient, p parameter, m and v first and second moments, vmax AMSGrad's running max of v.

import { ValueError, expectDisjoint, type AdamStepParams, type View } from '@recur/backend';
import { expectDType, expectSameShape, viewArray, type KernelContext } from './check.js';
import type { CpuBuffer } from './memory.js';
import { forEachRun, layoutOf } from './strided.js';

type Cpu = View<CpuBuffer>;

const f32 = Math.fround;

/**
 * Every intermediate is rounded to float32 in the order the composed ops round it, so the
 * fused step reproduces the composed path (and PyTorch's float32 kernels) to the last bit.
 */
export function adamStep(
  context: KernelContext,
  paramView: Cpu,
  gradView: Cpu,
  expAvgView: Cpu,
  expAvgSqView: Cpu,
  maxExpAvgSqView: Cpu | null,
  params: AdamStepParams,
): void {
  const op = 'adamStep';
  const named: [string, Cpu][] = [
    ['param', paramView],
    ['grad', gradView],
    ['expAvg', expAvgView],
    ['expAvgSq', expAvgSqView],
  ];
  if (params.amsgrad) {
    if (!maxExpAvgSqView) throw new ValueError(`${op}: amsgrad needs maxExpAvgSq; got null`);
    named.push(['maxExpAvgSq', maxExpAvgSqView]);
  }
  if (!Number.isInteger(params.step) || params.step < 1) {
    throw new ValueError(`${op}: step must be an integer ≥ 1 (the step being taken); got ${params.step}`);
  }
  const arrays = named.map(([name, view]) => {
    expectDType(op, name, view.dtype, ['float32']);
    expectSameShape(op, `param and ${name}`, paramView.shape, view.shape);
    return viewArray(context, op, name, view) as Float32Array;
  });
  expectDisjoint(op, named);
  const [p, grad, m, v] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  const vmax = params.amsgrad ? arrays[4]! : null;

  const { lr, beta1, beta2, eps, weightDecay, step, decoupled, maximize } = params;
  // Scalars as the composed path sees them: computed in float64, then held as float32 tensors.
  const b1 = f32(beta1);
  const oneMinusB1 = f32(1 - beta1);
  const b2 = f32(beta2);
  const oneMinusB2 = f32(1 - beta2);
  const lambda = f32(weightDecay);
  const decay = f32(1 - lr * weightDecay);
  const stepSize = f32(lr / (1 - beta1 ** step));
  const biasCorrection2Sqrt = f32(Math.sqrt(1 - beta2 ** step));
  const epsilon = f32(eps);
  const coupled = weightDecay !== 0 && !decoupled;
  const shrink = weightDecay !== 0 && decoupled;

  const layout = layoutOf(
    paramView.shape,
    named.map(([, view]) => view.strides),
  );
  const inner = layout.shape.length - 1;
  const runLength = layout.shape[inner]!;
  // One stride per named view: param, grad, expAvg, expAvgSq and, with amsgrad, the max.
  const innerStrides = layout.strides.map((s) => s[inner]!);
  const [sp, sg, sm, sv] = [innerStrides[0]!, innerStrides[1]!, innerStrides[2]!, innerStrides[3]!];
  const sx = innerStrides[4] ?? 0;
  forEachRun(
    layout,
    named.map(([, view]) => view.offset),
    (start) => {
      let ip = start[0]!;
      let ig = start[1]!;
      let im = start[2]!;
      let iv = start[3]!;
      let ix = start[4] ?? 0;
      for (let k = 0; k < runLength; k++, ip += sp, ig += sg, im += sm, iv += sv, ix += sx) {
        let g = maximize ? -grad[ig]! : grad[ig]!;
        let pv = p[ip]!;
        if (coupled) g = f32(g + f32(pv * lambda));
        if (shrink) pv = f32(pv * decay);
        const mv = f32(f32(m[im]! * b1) + f32(g * oneMinusB1));
        const vv = f32(f32(v[iv]! * b2) + f32(f32(g * g) * oneMinusB2));
        m[im] = mv;
        v[iv] = vv;
        let second = vv;
        if (vmax) {
          second = Math.max(vmax[ix]!, vv);
          vmax[ix] = second;
        }
        const denom = f32(f32(f32(Math.sqrt(second)) / biasCorrection2Sqrt) + epsilon);
        p[ip] = f32(pv - f32(f32(mv * stepSize) / denom));
      }
    },
  );
}
