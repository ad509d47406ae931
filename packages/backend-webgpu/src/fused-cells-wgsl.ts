// Shaders of the fused LSTM/GRU cells, one invocation per (b, j) of the [B, H] state. Operands
// are 2-D strided matrices read through per-operand (offset, row stride, column stride) words;
// σ and tanh are the elementwise ops' WGSL, so the fused path rounds like the composed one.
// B batch, H hidden; LSTM gates i f g o, GRU gates r z n (PyTorch's row order).

import type { Bindings } from './bindings.js';
import { ELEMENTWISE_WORKGROUP, unaryExpression } from './elementwise-wgsl.js';
import { FIRST_PARAM } from './kernel-context.js';
import type { ShaderParts } from './wgsl-prelude.js';

export type CellKernel = 'lstmCell' | 'lstmCellBackward' | 'gruCell' | 'gruCellBackward';

/** Operand names per kernel, in binding order; `act` is last and optional in the forward kernels. */
export const CELL_OPERANDS: Record<CellKernel, readonly string[]> = {
  lstmCell: ['gates', 'c', 'h', 'cNext', 'act'],
  lstmCellBackward: ['act', 'c', 'cNext', 'dh', 'dcNext', 'dGates', 'dc'],
  gruCell: ['gx', 'gh', 'h', 'hNext', 'act'],
  gruCellBackward: ['act', 'gh', 'h', 'dhNext', 'dgx', 'dgh', 'dh'],
};

/** The operands each kernel writes. */
export const CELL_OUTPUTS: Record<CellKernel, readonly string[]> = {
  lstmCell: ['h', 'cNext', 'act'],
  lstmCellBackward: ['dGates', 'dc'],
  gruCell: ['hNext', 'act'],
  gruCellBackward: ['dgx', 'dgh', 'dh'],
};

const MATH = `
fn cell_sigmoid(x: f32) -> f32 { return ${unaryExpression('sigmoid', 'float32')}; }
fn cell_tanh(x: f32) -> f32 { return ${unaryExpression('tanh', 'float32')}; }`;

const BODIES: Record<CellKernel, (withAct: boolean) => string> = {
  lstmCell: (withAct) => `
  let i = cell_sigmoid(LOAD(gates, j));
  let f = cell_sigmoid(LOAD(gates, H + j));
  let g = cell_tanh(LOAD(gates, 2 * H + j));
  let o = cell_sigmoid(LOAD(gates, 3 * H + j));
  let cn = f * LOAD(c, j) + i * g;
  STORE(cNext, j, cn);
  STORE(h, j, o * cell_tanh(cn));
${withAct ? '  STORE(act, j, i);\n  STORE(act, H + j, f);\n  STORE(act, 2 * H + j, g);\n  STORE(act, 3 * H + j, o);' : ''}`,
  lstmCellBackward: () => `
  let i = LOAD(act, j);
  let f = LOAD(act, H + j);
  let g = LOAD(act, 2 * H + j);
  let o = LOAD(act, 3 * H + j);
  let tc = cell_tanh(LOAD(cNext, j));
  let dhv = LOAD(dh, j);
  // dL/dc' sums the direct path and the path through h = o·tanh(c').
  let dcTotal = LOAD(dcNext, j) + dhv * o * (1.0 - tc * tc);
  STORE(dGates, j, dcTotal * g * i * (1.0 - i));
  STORE(dGates, H + j, dcTotal * LOAD(c, j) * f * (1.0 - f));
  STORE(dGates, 2 * H + j, dcTotal * i * (1.0 - g * g));
  STORE(dGates, 3 * H + j, dhv * tc * o * (1.0 - o));
  STORE(dc, j, dcTotal * f);`,
  gruCell: (withAct) => `
  let r = cell_sigmoid(LOAD(gx, j) + LOAD(gh, j));
  let z = cell_sigmoid(LOAD(gx, H + j) + LOAD(gh, H + j));
  let n = cell_tanh(LOAD(gx, 2 * H + j) + r * LOAD(gh, 2 * H + j));
  STORE(hNext, j, n + z * (LOAD(h, j) - n));
${withAct ? '  STORE(act, j, r);\n  STORE(act, H + j, z);\n  STORE(act, 2 * H + j, n);' : ''}`,
  gruCellBackward: () => `
  let r = LOAD(act, j);
  let z = LOAD(act, H + j);
  let n = LOAD(act, 2 * H + j);
  let d = LOAD(dhNext, j);
  let dnPre = d * (1.0 - z) * (1.0 - n * n);
  let dzPre = d * (LOAD(h, j) - n) * z * (1.0 - z);
  let drPre = dnPre * LOAD(gh, 2 * H + j) * r * (1.0 - r);
  STORE(dgx, j, drPre);
  STORE(dgx, H + j, dzPre);
  STORE(dgx, 2 * H + j, dnPre);
  STORE(dgh, j, drPre);
  STORE(dgh, H + j, dzPre);
  STORE(dgh, 2 * H + j, dnPre * r);
  STORE(dh, j, d * z);`,
};

/**
 * Param words: [B, H, then per operand: offset, row stride, column stride]. LOAD(name, col) and
 * STORE(name, col, value) in the bodies expand to operand `name`'s element (b, col).
 */
export function cellShader(bindings: Bindings, kernel: CellKernel, withAct: boolean): ShaderParts {
  const names = CELL_OPERANDS[kernel].slice(0, withAct || kernel.endsWith('Backward') ? undefined : -1);
  const index = (name: string, col: string): string => {
    const k = names.indexOf(name);
    const base = FIRST_PARAM + 2 + 3 * k;
    return `pi(${base}u) + b * pi(${base + 1}u) + (${col}) * pi(${base + 2}u)`;
  };
  const expand = (text: string): string =>
    text
      .replace(/LOAD\((\w+), ([^)]*)\)/g, (_, name: string, col: string) => bindings.load(names.indexOf(name), index(name, col), 'f32'))
      .replace(/STORE\((\w+), ([^,]+), (.+)\);/g, (_, name: string, col: string, value: string) =>
        bindings.store(names.indexOf(name), index(name, col), value, 'f32'),
      );
  return {
    workgroupSize: ELEMENTWISE_WORKGROUP,
    helpers: MATH,
    body: `
  let t = group * ${ELEMENTWISE_WORKGROUP}u + lid;
  let H = pi(${FIRST_PARAM + 1}u);
  if (t >= pu(${FIRST_PARAM}u) * u32(H)) { return; }
  let b = i32(t / u32(H));
  let j = i32(t % u32(H));
${expand(BODIES[kernel](withAct))}`,
  };
}
