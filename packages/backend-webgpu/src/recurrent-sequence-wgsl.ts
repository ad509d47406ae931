// Shaders of the whole-sequence recurrent kernels: one dispatch walks every time step, each
// workgroup owning R whole batch rows, so the recurrence needs only barriers inside the workgroup.
// h (double-buffered) and c live in workgroup memory; W_hh is read from storage. B batch, T steps,
// H hidden, G gate blocks, k = r·H + j the (row r of the group, unit j) an invocation handles.

import type { RecurrentSequenceCell } from '@recur/backend';
import type { Bindings } from './bindings.js';
import { unaryExpression } from './elementwise-wgsl.js';
import { FIRST_PARAM } from './kernel-context.js';
import type { ShaderParts } from './wgsl-prelude.js';

/** The compile-time shape of one pipeline. */
export interface SequenceShape {
  readonly cell: RecurrentSequenceCell;
  readonly hidden: number;
  /** R, the batch rows one workgroup owns. */
  readonly rows: number;
  readonly workgroupSize: number;
  /** The operand names bound, in order (absent optional operands left out). */
  readonly names: readonly string[];
}

export const GATE_BLOCKS: Record<RecurrentSequenceCell, number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

/** Param words after the grid: B, T, reverse, then (offset, row stride, column stride) per operand, then T + 1 row offsets. */
export const HEADER_WORDS = 3;

/** f32 words of workgroup memory per batch row. */
export function workgroupWords(cell: RecurrentSequenceCell, hidden: number, backward: boolean): number {
  if (backward) return (cell === 'rnn_tanh' || cell === 'rnn_relu' ? 1 : 2) * hidden;
  return (cell === 'lstm' ? 3 : 2) * hidden;
}

const MATH = `
fn cell_sigmoid(x: f32) -> f32 { return ${unaryExpression('sigmoid', 'float32')}; }
fn cell_tanh(x: f32) -> f32 { return ${unaryExpression('tanh', 'float32')}; }
fn cell_relu(x: f32) -> f32 { return ${unaryExpression('relu', 'float32')}; }`;

/** ld_<name>(row, col) and st_<name>(row, col, value) for every operand, through its three address words. */
function accessors(bindings: Bindings, names: readonly string[]): string {
  return names
    .map((name, k) => {
      const base = FIRST_PARAM + HEADER_WORDS + 3 * k;
      const index = `pi(${base}u) + row * pi(${base + 1}u) + col * pi(${base + 2}u)`;
      const load = `\nfn ld_${name}(row: i32, col: i32) -> f32 { return ${bindings.load(k, index, 'f32')}; }`;
      // A read-only binding has no store (WGSL rejects one even when unused).
      if (bindings.access[bindings.slots[k]!] === 'read') return load;
      return `${load}\nfn st_${name}(row: i32, col: i32, value: f32) { ${bindings.store(k, index, 'value', 'f32')} }`;
    })
    .join('');
}

function prologue(shape: SequenceShape): string {
  const { hidden, rows, names } = shape;
  const offsets = FIRST_PARAM + HEADER_WORDS + 3 * names.length;
  return `
  let H = ${hidden};
  let RH = ${rows * hidden};
  let B = pi(${FIRST_PARAM}u);
  let T = pi(${FIRST_PARAM + 1}u);
  let rev = pu(${FIRST_PARAM + 2}u) != 0u;
  let b0 = i32(group) * ${rows};
  let OFF = ${offsets}u;`;
}

/** Σ_q h[q]·W_hh[g·H + j, q] for each gate block g, into a0 … a{G−1}. */
function recurrentDots(gates: number, hidden: number): string {
  const init = Array.from({ length: gates }, (_, g) => `var a${g} = 0.0;`).join(' ');
  const sums = Array.from({ length: gates }, (_, g) => `a${g} += hv * ld_w(${g === 0 ? '' : `${g * hidden} + `}j, q);`).join(' ');
  return `${init}
      for (var q = 0; q < H; q++) { let hv = hS[hb + q]; ${sums} }`;
}

const FORWARD_BODY: Record<RecurrentSequenceCell, (shape: SequenceShape) => string> = {
  lstm: (shape) => `
      ${recurrentDots(4, shape.hidden)}
      let i = cell_sigmoid(ld_gates(row, j) + a0);
      let f = cell_sigmoid(ld_gates(row, H + j) + a1);
      let g = cell_tanh(ld_gates(row, 2 * H + j) + a2);
      let o = cell_sigmoid(ld_gates(row, 3 * H + j) + a3);
      let cn = f * cS[k] + i * g;
      cS[k] = cn;
      let hn = o * cell_tanh(cn);
      st_c(row, j, cn);
${shape.names.includes('act') ? '      st_act(row, j, i); st_act(row, H + j, f); st_act(row, 2 * H + j, g); st_act(row, 3 * H + j, o);' : ''}`,
  gru: (shape) => `
      ${recurrentDots(3, shape.hidden)}
${shape.names.includes('bias') ? '      a0 = ld_bias(0, j) + a0; a1 = ld_bias(0, H + j) + a1; a2 = ld_bias(0, 2 * H + j) + a2;' : ''}
      st_gh(row, j, a0); st_gh(row, H + j, a1); st_gh(row, 2 * H + j, a2);
      let rg = cell_sigmoid(ld_gates(row, j) + a0);
      let z = cell_sigmoid(ld_gates(row, H + j) + a1);
      let n = cell_tanh(ld_gates(row, 2 * H + j) + rg * a2);
      let hn = n + z * (hS[cur + k] - n);
${shape.names.includes('act') ? '      st_act(row, j, rg); st_act(row, H + j, z); st_act(row, 2 * H + j, n);' : ''}`,
  rnn_tanh: (shape) => `
      ${recurrentDots(1, shape.hidden)}
      let hn = cell_tanh(ld_gates(row, j) + a0);`,
  rnn_relu: (shape) => `
      ${recurrentDots(1, shape.hidden)}
      let hn = cell_relu(ld_gates(row, j) + a0);`,
};

/**
 * The forward walk. Rows not in step t (a finished sequence going forward, one not yet started
 * in reverse) carry their state over unchanged, so a reversed row starts from its initial state.
 */
export function forwardShader(bindings: Bindings, shape: SequenceShape): ShaderParts {
  const { cell, hidden, rows, workgroupSize } = shape;
  const lstm = cell === 'lstm';
  return {
    workgroupSize,
    helpers: `${MATH}${accessors(bindings, shape.names)}
var<workgroup> hS: array<f32, ${2 * rows * hidden}>;
${lstm ? `var<workgroup> cS: array<f32, ${rows * hidden}>;` : ''}`,
    body: `${prologue(shape)}
  for (var k = i32(lid); k < RH; k += ${workgroupSize}) {
    let b = b0 + k / H;
    if (b < B) { hS[k] = ld_h0(b, k % H);${lstm ? ' cS[k] = ld_c0(b, k % H);' : ''} }
  }
  workgroupBarrier();
  var cur = 0;
  for (var s = 0; s < T; s++) {
    let t = select(s, T - 1 - s, rev);
    let off = pi(OFF + u32(t));
    let bt = pi(OFF + u32(t) + 1u) - off;
    let nxt = RH - cur;
    for (var k = i32(lid); k < RH; k += ${workgroupSize}) {
      let r = k / H;
      let j = k % H;
      let b = b0 + r;
      if (b >= B) { continue; }
      if (b >= bt) { hS[nxt + k] = hS[cur + k]; continue; }
      let row = off + b;
      let hb = cur + r * H;
${FORWARD_BODY[cell](shape)}
      st_h(row, j, hn);
      hS[nxt + k] = hn;
    }
    workgroupBarrier();
    cur = nxt;
  }`,
  };
}

/** Phase A of a backward step: the gate gradients of row `row` at unit j, from the carried dH (and dZ, dC). */
const BACKWARD_BODY: Record<RecurrentSequenceCell, string> = {
  lstm: `
      let i = ld_act(row, j);
      let f = ld_act(row, H + j);
      let g = ld_act(row, 2 * H + j);
      let o = ld_act(row, 3 * H + j);
      let tc = cell_tanh(ld_c(row, j));
      let dhv = ld_dh(row, j) + dH[k];
      let dcTotal = ld_dc(row, j) + dC[k] + dhv * o * (1.0 - tc * tc);
      var cp = 0.0;
      if (fromInitial) { cp = ld_c0(b, j); } else { cp = ld_c(poff + b, j); }
      st_dg(row, j, dcTotal * g * i * (1.0 - i));
      st_dg(row, H + j, dcTotal * cp * f * (1.0 - f));
      st_dg(row, 2 * H + j, dcTotal * i * (1.0 - g * g));
      st_dg(row, 3 * H + j, dhv * tc * o * (1.0 - o));
      dC[k] = dcTotal * f;`,
  gru: `
      let r = ld_act(row, j);
      let z = ld_act(row, H + j);
      let n = ld_act(row, 2 * H + j);
      let d = (ld_dh(row, j) + dZ[k]) + dH[k];
      var hp = 0.0;
      if (fromInitial) { hp = ld_h0(b, j); } else { hp = ld_h(poff + b, j); }
      let dnPre = d * (1.0 - z) * (1.0 - n * n);
      let dzPre = d * (hp - n) * z * (1.0 - z);
      let drPre = dnPre * ld_gh(row, 2 * H + j) * r * (1.0 - r);
      st_dg(row, j, drPre); st_dg(row, H + j, dzPre); st_dg(row, 2 * H + j, dnPre);
      st_dr(row, j, drPre); st_dr(row, H + j, dzPre); st_dr(row, 2 * H + j, dnPre * r);
      dZ[k] = d * z;`,
  rnn_tanh: `
      let y = ld_h(row, j);
      let d = ld_dh(row, j) + dH[k];
      st_dg(row, j, d - (d * y) * y);`,
  rnn_relu: `
      let y = ld_h(row, j);
      let d = ld_dh(row, j) + dH[k];
      st_dg(row, j, d * sign(y));`,
};

/**
 * The backward walk, in the reverse order of the forward's. Per step: phase A writes the gate
 * gradients of the step's rows to storage; a storage barrier; phase B forms dH = dG·W_hh (GRU:
 * dgh·W_hh, with the direct part z·dh kept apart in dZ) for the predecessor. After the last step a
 * row's carried gradients are those of its initial state.
 */
export function backwardShader(bindings: Bindings, shape: SequenceShape): ShaderParts {
  const { cell, hidden, rows, workgroupSize } = shape;
  const gates = GATE_BLOCKS[cell] * hidden;
  const lstm = cell === 'lstm';
  const gru = cell === 'gru';
  const source = gru ? 'dr' : 'dg';
  return {
    workgroupSize,
    helpers: `${MATH}${accessors(bindings, shape.names)}
var<workgroup> dH: array<f32, ${rows * hidden}>;
${lstm ? `var<workgroup> dC: array<f32, ${rows * hidden}>;` : ''}
${gru ? `var<workgroup> dZ: array<f32, ${rows * hidden}>;` : ''}`,
    body: `${prologue(shape)}
  for (var k = i32(lid); k < RH; k += ${workgroupSize}) {
    dH[k] = 0.0;${lstm ? ' dC[k] = 0.0;' : ''}${gru ? ' dZ[k] = 0.0;' : ''}
  }
  for (var s = 0; s < T; s++) {
    let t = select(T - 1 - s, s, rev);
    let off = pi(OFF + u32(t));
    let bt = pi(OFF + u32(t) + 1u) - off;
    let tp = select(t - 1, t + 1, rev);
    var poff = 0;
    var pb = 0;
    if (tp >= 0 && tp < T) { poff = pi(OFF + u32(tp)); pb = pi(OFF + u32(tp) + 1u) - poff; }
    for (var k = i32(lid); k < RH; k += ${workgroupSize}) {
      let j = k % H;
      let b = b0 + k / H;
      if (b >= B || b >= bt) { continue; }
      let row = off + b;
      let fromInitial = b >= pb;
${BACKWARD_BODY[cell]}
    }
    storageBarrier();
    for (var k = i32(lid); k < RH; k += ${workgroupSize}) {
      let j = k % H;
      let b = b0 + k / H;
      if (b >= B || b >= bt) { continue; }
      let row = off + b;
      var acc = 0.0;
      for (var q = 0; q < ${gates}; q++) { acc += ld_${source}(row, q) * ld_w(q, j); }
      dH[k] = acc;
    }
  }
  for (var k = i32(lid); k < RH; k += ${workgroupSize}) {
    let b = b0 + k / H;
    if (b < B) {
      st_dh0(b, k % H, ${gru ? 'dZ[k] + dH[k]' : 'dH[k]'});${lstm ? '\n      st_dc0(b, k % H, dC[k]);' : ''}
    }
  }`,
  };
}
