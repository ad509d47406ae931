// Shaders of the whole-sequence recurrent kernels: one dispatch walks every time step, each
// workgroup owning R whole batch rows, so the recurrence needs only barriers inside the workgroup.
// h (double-buffered) and c live in workgroup memory; W_hh is read from storage, once per step
// for all R rows (float32, or binary16 two to a word with half weights: half-weights.ts; the
// arithmetic stays float32). B batch, T steps, H hidden, G gate blocks, k = r·H + j (row r of the
// group, unit j).

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
  /** W_hh ('w') is int32 words [G·H, ⌈H/2⌉] of two binary16 values (column 2p in the low half). */
  readonly halfWeights: boolean;
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

/**
 * ld_<name>(row, col) and st_<name>(row, col, value) for every operand. Its three address words
 * (offset, row stride, column stride) are copied into private variables once (loadAddresses), so
 * the inner loops index storage without reading the uniform.
 */
function accessors(bindings: Bindings, names: readonly string[], halfWeights: boolean): string {
  return names
    .map((name, k) => {
      const index = `o_${name} + row * r_${name} + col * c_${name}`;
      const address = `\nvar<private> o_${name}: i32;\nvar<private> r_${name}: i32;\nvar<private> c_${name}: i32;`;
      if (halfWeights && name === 'w') {
        // ld_w2: the pair of columns 2p, 2p + 1 in one load; ld_w: one column of it.
        return `${address}
fn ld_w2(row: i32, pair: i32) -> vec2<f32> { return unpack2x16float(${bindings.load(k, 'o_w + row * r_w + pair * c_w', 'u32')}); }
fn ld_w(row: i32, col: i32) -> f32 { return ld_w2(row, col >> 1u)[col & 1]; }`;
      }
      const load = `${address}
fn ld_${name}(row: i32, col: i32) -> f32 { return ${bindings.load(k, index, 'f32')}; }`;
      // A read-only binding has no store (WGSL rejects one even when unused).
      if (bindings.access[bindings.slots[k]!] === 'read') return load;
      return `${load}\nfn st_${name}(row: i32, col: i32, value: f32) { ${bindings.store(k, index, 'value', 'f32')} }`;
    })
    .join('');
}

function loadAddresses(names: readonly string[]): string {
  return names
    .map((name, k) => {
      const base = FIRST_PARAM + HEADER_WORDS + 3 * k;
      return `  o_${name} = pi(${base}u); r_${name} = pi(${base + 1}u); c_${name} = pi(${base + 2}u);`;
    })
    .join('\n');
}

function prologue(shape: SequenceShape): string {
  const { hidden, rows, names } = shape;
  const offsets = FIRST_PARAM + HEADER_WORDS + 3 * names.length;
  return `
${loadAddresses(names)}
  let H = ${hidden};
  let R = ${rows};
  let B = pi(${FIRST_PARAM}u);
  let T = pi(${FIRST_PARAM + 1}u);
  let rev = pu(${FIRST_PARAM + 2}u) != 0u;
  let b0 = i32(group) * R;
  let OFF = ${offsets}u;`;
}

/** Row r's accumulator of gate g: a scalar per (r, g), so it stays in a register (a dynamically indexed array would not). */
const accumulator = (r: number, g: number): string => `a_${r}_${g}`;

/** `text` for each row r < R, guarded by r < n (n is uniform over the workgroup), with acc[…] naming row r's scalars. */
function perRow(rows: number, gates: number, text: (r: number) => string, otherwise?: (r: number) => string): string {
  return Array.from({ length: rows }, (_, r) => {
    const body = text(r).replace(/acc\[r(?: \* \d+)?(?: \+ (\d+))?\]/g, (_, g: string | undefined) => accumulator(r, Number(g ?? 0)));
    return `if (${r} < n) {${body}}${otherwise ? ` else {${otherwise(r)}}` : ''}`;
  }).join('\n      ');
}

/**
 * a_r_g = Σ_q h_r[q]·W_hh[g·H + j, q] for the active rows r < n: each W_hh element is loaded once
 * per step and used for every row of the workgroup (the rows unrolled).
 */
function recurrentDots(gates: number, hidden: number, rows: number, halfWeights: boolean): string {
  const init = Array.from({ length: rows * gates }, (_, k) => `var ${accumulator(Math.floor(k / gates), k % gates)} = 0.0;`).join(' ');
  if (halfWeights) return halfRecurrentDots(init, gates, hidden, rows);
  const loads = Array.from({ length: gates }, (_, g) => `let w${g} = ld_w(${g === 0 ? '' : `${g * hidden} + `}j, q);`).join(' ');
  const sums = (r: number) =>
    ` let hv = hS[cur + ${r * hidden} + q]; ` +
    Array.from({ length: gates }, (_, g) => `${accumulator(r, g)} += hv * w${g};`).join(' ') +
    ' ';
  return `
      ${init}
      for (var q = 0; q < H; q++) {
        ${loads}
        ${perRow(rows, gates, sums)}
      }`;
}

/**
 * recurrentDots over half weights: one word holds W_hh[g·H + j, q] and [g·H + j, q + 1], so q steps
 * by two. Each accumulator still adds the terms in the order q = 0, 1, 2, …, as the float32 loop
 * does, so weights exact in binary16 give bitwise the float32 path's sums.
 */
function halfRecurrentDots(init: string, gates: number, hidden: number, rows: number): string {
  const loads = Array.from({ length: gates }, (_, g) => `let w${g} = ld_w2(${g === 0 ? '' : `${g * hidden} + `}j, q >> 1u);`).join(' ');
  const terms = (r: number, component: 'x' | 'y', q: string) =>
    ` { let hv = hS[cur + ${r * hidden} + ${q}]; ` +
    Array.from({ length: gates }, (_, g) => `${accumulator(r, g)} += hv * w${g}.${component};`).join(' ') +
    ' }';
  // An odd H leaves the last word's high half unused (zero): its hS index would be the next row's.
  const second = (r: number) => (hidden % 2 === 0 ? terms(r, 'y', 'q + 1') : ` if (q + 1 < H) {${terms(r, 'y', 'q + 1')} }`);
  return `
      ${init}
      for (var q = 0; q < H; q += 2) {
        ${loads}
        ${perRow(rows, gates, (r) => `${terms(r, 'x', 'q')}${second(r)} `)}
      }`;
}

const FORWARD_BODY: Record<RecurrentSequenceCell, (shape: SequenceShape) => string> = {
  lstm: (shape) => `
      let i = cell_sigmoid(ld_gates(row, j) + acc[r * 4]);
      let f = cell_sigmoid(ld_gates(row, H + j) + acc[r * 4 + 1]);
      let g = cell_tanh(ld_gates(row, 2 * H + j) + acc[r * 4 + 2]);
      let o = cell_sigmoid(ld_gates(row, 3 * H + j) + acc[r * 4 + 3]);
      let cn = f * cS[k] + i * g;
      cS[k] = cn;
      let hn = o * cell_tanh(cn);
      st_c(row, j, cn);
${shape.names.includes('act') ? '      st_act(row, j, i); st_act(row, H + j, f); st_act(row, 2 * H + j, g); st_act(row, 3 * H + j, o);' : ''}`,
  gru: (shape) => `
      var a0 = acc[r * 3];
      var a1 = acc[r * 3 + 1];
      var a2 = acc[r * 3 + 2];
${shape.names.includes('bias') ? '      a0 = ld_bias(0, j) + a0; a1 = ld_bias(0, H + j) + a1; a2 = ld_bias(0, 2 * H + j) + a2;' : ''}
      st_gh(row, j, a0); st_gh(row, H + j, a1); st_gh(row, 2 * H + j, a2);
      let rg = cell_sigmoid(ld_gates(row, j) + a0);
      let z = cell_sigmoid(ld_gates(row, H + j) + a1);
      let ng = cell_tanh(ld_gates(row, 2 * H + j) + rg * a2);
      let hn = ng + z * (hS[cur + k] - ng);
${shape.names.includes('act') ? '      st_act(row, j, rg); st_act(row, H + j, z); st_act(row, 2 * H + j, ng);' : ''}`,
  rnn_tanh: () => `
      let hn = cell_tanh(ld_gates(row, j) + acc[r]);`,
  rnn_relu: () => `
      let hn = cell_relu(ld_gates(row, j) + acc[r]);`,
};

/**
 * The forward walk. Invocation j handles unit j (and j + WG, …) of every row of the workgroup;
 * rows are sorted by length, so the rows in step t are a prefix r < n. Rows not in step t (a
 * finished sequence going forward, one not yet started in reverse) carry their state over
 * unchanged, so a reversed row starts from its initial state.
 */
export function forwardShader(bindings: Bindings, shape: SequenceShape): ShaderParts {
  const { cell, hidden, rows, workgroupSize } = shape;
  const lstm = cell === 'lstm';
  const gates = GATE_BLOCKS[cell];
  return {
    workgroupSize,
    helpers: `${MATH}${accessors(bindings, shape.names, shape.halfWeights)}
var<workgroup> hS: array<f32, ${2 * rows * hidden}>;
${lstm ? `var<workgroup> cS: array<f32, ${rows * hidden}>;` : ''}`,
    body: `${prologue(shape)}
  for (var j = i32(lid); j < H; j += ${workgroupSize}) {
    for (var r = 0; r < R && b0 + r < B; r++) {
      hS[r * H + j] = ld_h0(b0 + r, j);${lstm ? '\n      cS[r * H + j] = ld_c0(b0 + r, j);' : ''}
    }
  }
  workgroupBarrier();
  var cur = 0;
  for (var s = 0; s < T; s++) {
    let t = select(s, T - 1 - s, rev);
    let off = pi(OFF + u32(t));
    let n = clamp(pi(OFF + u32(t) + 1u) - off - b0, 0, R);
    let nxt = R * H - cur;
    for (var j = i32(lid); j < H; j += ${workgroupSize}) {
${recurrentDots(gates, hidden, rows, shape.halfWeights)}
      ${perRow(
        rows,
        gates,
        (r) => `
        let r = ${r};
        let k = r * H + j;
        let row = off + b0 + r;
${FORWARD_BODY[cell](shape)}
        st_h(row, j, hn);
        hS[nxt + k] = hn;
      `,
        (r) => ` hS[nxt + ${r * hidden} + j] = hS[cur + ${r * hidden} + j]; `,
      )}
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
      let cp = select(ld_c(poff + b, j), ld_c0(b, j), fromInitial);
      st_dg(row, j, dcTotal * g * i * (1.0 - i));
      st_dg(row, H + j, dcTotal * cp * f * (1.0 - f));
      st_dg(row, 2 * H + j, dcTotal * i * (1.0 - g * g));
      st_dg(row, 3 * H + j, dhv * tc * o * (1.0 - o));
      dC[k] = dcTotal * f;`,
  gru: `
      let rg = ld_act(row, j);
      let z = ld_act(row, H + j);
      let ng = ld_act(row, 2 * H + j);
      let d = (ld_dh(row, j) + dZ[k]) + dH[k];
      let hp = select(ld_h(poff + b, j), ld_h0(b, j), fromInitial);
      let dnPre = d * (1.0 - z) * (1.0 - ng * ng);
      let dzPre = d * (hp - ng) * z * (1.0 - z);
      let drPre = dnPre * ld_gh(row, 2 * H + j) * rg * (1.0 - rg);
      st_dg(row, j, drPre); st_dg(row, H + j, dzPre); st_dg(row, 2 * H + j, dnPre);
      st_dr(row, j, drPre); st_dr(row, H + j, dzPre); st_dr(row, 2 * H + j, dnPre * rg);
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
 * dgh·W_hh, with the direct part z·dh kept apart in dZ) for the predecessor, each W_hh element
 * loaded once for every row. After the last step a row's carried gradients are its initial state's.
 */
export function backwardShader(bindings: Bindings, shape: SequenceShape): ShaderParts {
  const { cell, hidden, rows, workgroupSize } = shape;
  const width = GATE_BLOCKS[cell] * hidden;
  const lstm = cell === 'lstm';
  const gru = cell === 'gru';
  const source = gru ? 'dr' : 'dg';
  const memory = (name: string) => `var<workgroup> ${name}: array<f32, ${rows * hidden}>;`;
  return {
    workgroupSize,
    helpers: `${MATH}${accessors(bindings, shape.names, shape.halfWeights)}
${memory('dH')}
${lstm ? memory('dC') : ''}
${gru ? memory('dZ') : ''}`,
    body: `${prologue(shape)}
  // Every (r, j) entry is touched by the invocation of unit j only, from here to the end.
  for (var j = i32(lid); j < H; j += ${workgroupSize}) {
    for (var r = 0; r < R; r++) {
      let k = r * H + j;
      dH[k] = 0.0;${lstm ? ' dC[k] = 0.0;' : ''}${gru ? ' dZ[k] = 0.0;' : ''}
    }
  }
  for (var s = 0; s < T; s++) {
    let t = select(T - 1 - s, s, rev);
    let off = pi(OFF + u32(t));
    let n = clamp(pi(OFF + u32(t) + 1u) - off - b0, 0, R);
    let tp = select(t - 1, t + 1, rev);
    // lets and select, not a var set under an if: SwiftShader kept such loop-local vars across iterations.
    let tq = u32(clamp(tp, 0, T - 1));
    let poff = select(0, pi(OFF + tq), tp >= 0 && tp < T);
    let pb = select(0, pi(OFF + tq + 1u) - poff, tp >= 0 && tp < T);
    for (var j = i32(lid); j < H; j += ${workgroupSize}) {
      for (var r = 0; r < n; r++) {
        let k = r * H + j;
        let b = b0 + r;
        let row = off + b;
        let fromInitial = b >= pb;
${BACKWARD_BODY[cell]}
      }
    }
    storageBarrier();
    for (var j = i32(lid); j < H; j += ${workgroupSize}) {
      ${Array.from({ length: rows }, (_, r) => `var ${accumulator(r, 0)} = 0.0;`).join(' ')}
      for (var q = 0; q < ${width}; q++) {
        let wv = ld_w(q, j);
        ${perRow(rows, 1, (r) => ` acc[r] += ld_${source}(off + b0 + ${r}, q) * wv; `)}
      }
      ${perRow(rows, 1, (r) => ` dH[${r * hidden} + j] = acc[r]; `)}
    }
  }
  for (var j = i32(lid); j < H; j += ${workgroupSize}) {
    for (var r = 0; r < R && b0 + r < B; r++) {
      let k = r * H + j;
      st_dh0(b0 + r, j, ${gru ? 'dZ[k] + dH[k]' : 'dH[k]'});${lstm ? '\n      st_dc0(b0 + r, j, dC[k]);' : ''}
    }
  }`,
  };
}
