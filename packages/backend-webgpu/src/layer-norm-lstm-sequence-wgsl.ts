// Shaders of the whole-sequence layer-norm LSTM (layer-norm-lstm-sequence.ts): the walk over every
// step with LN_h and LN_c inside, each workgroup owning R whole batch rows, row moments by a tree
// sum over the workgroup. H hidden, W = 4H, k = r·H + j (row r of the group, unit j), WG invocations.
// `sv` per row (the backend's `saved`): σi σf tanh g σo | ĉ = LN(s) | μ_h, 1/√(σ²_h + ε), 1/√(σ²_c + ε).

import type { Bindings } from './bindings.js';
import { unaryExpression } from './elementwise-wgsl.js';
import { FIRST_PARAM } from './kernel-context.js';
import type { ShaderParts } from './wgsl-prelude.js';

/** The compile-time shape of one walk pipeline. */
export interface LayerNormWalkShape {
  readonly hidden: number;
  /** R, the batch rows one workgroup owns. */
  readonly rows: number;
  /** WG, a power of two (the tree sums halve it). */
  readonly workgroupSize: number;
  /** The operand names bound, in order. */
  readonly names: readonly string[];
}

/** Param words after the grid: B, T, reverse, ε (f32 bits); then (offset, row stride, column stride) per operand; then T + 1 row offsets. */
export const HEADER_WORDS = 4;

/** Columns of one workgroup's row of γ/β partial sums: dγ_h, dβ_h (W each), dγ_c, dβ_c (H each). */
export const PARTIAL_COLUMNS = 10;

/** f32 words of workgroup memory for R rows. */
export function walkWords(hidden: number, rows: number, workgroupSize: number, backward: boolean): number {
  // Forward: h (double-buffered) and c, one tree lane per row and invocation, 4 moments per row.
  // Backward: dH and dC, two tree lanes (vec2) per row and invocation, 4 sums per row.
  return backward ? rows * (2 * hidden + 2 * workgroupSize + 4) : rows * (3 * hidden + workgroupSize + 4);
}

const MATH = `
fn ln_sigmoid(x: f32) -> f32 { return ${unaryExpression('sigmoid', 'float32')}; }
fn ln_tanh(x: f32) -> f32 { return ${unaryExpression('tanh', 'float32')}; }`;

/** ld_<name>(row, col) and, for written operands, st_<name>(row, col, value); addresses in private variables. */
function accessors(bindings: Bindings, names: readonly string[]): string {
  return names
    .map((name, k) => {
      const index = `o_${name} + row * r_${name} + col * c_${name}`;
      const load = `\nvar<private> o_${name}: i32;\nvar<private> r_${name}: i32;\nvar<private> c_${name}: i32;
fn ld_${name}(row: i32, col: i32) -> f32 { return ${bindings.load(k, index, 'f32')}; }`;
      if (bindings.access[bindings.slots[k]!] === 'read') return load;
      return `${load}\nfn st_${name}(row: i32, col: i32, value: f32) { ${bindings.store(k, index, 'value', 'f32')} }`;
    })
    .join('');
}

function prologue(shape: LayerNormWalkShape): string {
  const { hidden, rows, names } = shape;
  const addresses = names
    .map((name, k) => {
      const base = FIRST_PARAM + HEADER_WORDS + 3 * k;
      return `  o_${name} = pi(${base}u); r_${name} = pi(${base + 1}u); c_${name} = pi(${base + 2}u);`;
    })
    .join('\n');
  return `
${addresses}
  let H = ${hidden};
  let W = ${4 * hidden};
  let R = ${rows};
  let WG = ${shape.workgroupSize};
  let L = i32(lid);
  let B = pi(${FIRST_PARAM}u);
  let T = pi(${FIRST_PARAM + 1}u);
  let rev = pu(${FIRST_PARAM + 2}u) != 0u;
  let eps = pf(${FIRST_PARAM + 3}u);
  let b0 = i32(group) * R;
  let OFF = ${FIRST_PARAM + HEADER_WORDS + 3 * names.length}u;`;
}

/** The tree sum of red[r·WG + ·] into red[r·WG] for every row r (called in uniform control flow). */
function treeSum(type: string, rows: number, workgroupSize: number): string {
  return `
var<workgroup> red: array<${type}, ${rows * workgroupSize}>;
fn tree_sum(L: i32) {
  workgroupBarrier();
  for (var w = ${workgroupSize / 2}; w > 0; w = w / 2) {
    if (L < w) {
      for (var r = 0; r < ${rows}; r++) { red[r * ${workgroupSize} + L] += red[r * ${workgroupSize} + L + w]; }
    }
    workgroupBarrier();
  }
}`;
}

const scalar = (r: number, g: number): string => `a_${r}_${g}`;

/** `text(r)` for each row r < R, guarded by r < n (uniform over the workgroup). */
function perRow(rows: number, text: (r: number) => string): string {
  return Array.from({ length: rows }, (_, r) => `if (${r} < n) {${text(r)}}`).join('\n      ');
}

/** a_r_g = Σ_q h_r[q]·W_hh[g·H + j, q] for the active rows, each W_hh element loaded once for all R rows. */
function recurrentDots(hidden: number, rows: number): string {
  const init = Array.from({ length: rows * 4 }, (_, k) => `var ${scalar(Math.floor(k / 4), k % 4)} = 0.0;`).join(' ');
  const loads = [0, 1, 2, 3].map((g) => `let w${g} = ld_w(${g * hidden} + j, q);`).join(' ');
  const sums = (r: number) =>
    ` let hv = hS[cur + ${r * hidden} + q]; ${[0, 1, 2, 3].map((g) => `${scalar(r, g)} += hv * w${g};`).join(' ')} `;
  return `
      ${init}
      for (var q = 0; q < H; q++) {
        ${loads}
        ${perRow(rows, sums)}
      }`;
}

/** Zero this invocation's tree lanes of every row. */
const ZERO_LANES = (zero: string) => `  for (var r = 0; r < R; r++) { red[r * WG + L] = ${zero}; }`;

/** Per step: h·W_hhᵀ → LN_h moments → gates and s → LN_c moments → c', h'. Rows not in step t carry their state. */
export function walkForwardShader(bindings: Bindings, shape: LayerNormWalkShape): ShaderParts {
  const { hidden, rows, workgroupSize: WG } = shape;
  const units = `for (var j = L; j < H; j += WG)`;
  return {
    workgroupSize: WG,
    helpers: `${MATH}${accessors(bindings, shape.names)}
var<workgroup> hS: array<f32, ${2 * rows * hidden}>;
var<workgroup> cS: array<f32, ${rows * hidden}>;
// μ_h, 1/σ_h, μ_c, 1/σ_c of each row (R each).
var<workgroup> stat: array<f32, ${4 * rows}>;
${treeSum('f32', rows, WG)}`,
    body: `${prologue(shape)}
  ${units} {
    for (var r = 0; r < R && b0 + r < B; r++) {
      hS[r * H + j] = ld_h0(b0 + r, j);
      cS[r * H + j] = ld_c0(b0 + r, j);
    }
  }
  var cur = 0;
  for (var s = 0; s < T; s++) {
    let t = select(s, T - 1 - s, rev);
    let off = pi(OFF + u32(t));
    let n = clamp(pi(OFF + u32(t) + 1u) - off - b0, 0, R);
    let nxt = R * H - cur;
    workgroupBarrier();
${ZERO_LANES('0.0')}
    ${units} {
${recurrentDots(hidden, rows)}
      ${perRow(
        rows,
        (r) => `
        let row = off + b0 + ${r};
        ${[0, 1, 2, 3].map((g) => `st_rec(row, ${g * hidden} + j, ${scalar(r, g)});`).join(' ')}
        red[${r * WG} + L] += (${scalar(r, 0)} + ${scalar(r, 1)}) + (${scalar(r, 2)} + ${scalar(r, 3)});`,
      )}
    }
    tree_sum(L);
    if (L == 0) { for (var r = 0; r < R; r++) { stat[r] = red[r * WG] / f32(W); } }
    workgroupBarrier();
${ZERO_LANES('0.0')}
    ${units} {
      for (var r = 0; r < n; r++) {
        let row = off + b0 + r;
        for (var g = 0; g < 4; g++) { let d = ld_rec(row, g * H + j) - stat[r]; red[r * WG + L] += d * d; }
      }
    }
    tree_sum(L);
    if (L == 0) { for (var r = 0; r < R; r++) { stat[R + r] = 1.0 / sqrt(red[r * WG] / f32(W) + eps); } }
    workgroupBarrier();
${ZERO_LANES('0.0')}
    ${units} {
      for (var r = 0; r < n; r++) {
        let row = off + b0 + r;
        var a: array<f32, 4>;
        for (var g = 0; g < 4; g++) {
          let q = g * H + j;
          a[g] = ld_gates(row, q) + (((ld_rec(row, q) - stat[r]) * stat[R + r]) * ld_gh(0, q) + ld_bh(0, q));
        }
        let i = ln_sigmoid(a[0]);
        let f = ln_sigmoid(a[1]);
        let g = ln_tanh(a[2]);
        let o = ln_sigmoid(a[3]);
        st_sv(row, j, i); st_sv(row, H + j, f); st_sv(row, 2 * H + j, g); st_sv(row, 3 * H + j, o);
        let sc = f * cS[r * H + j] + i * g;
        // s waits in ĉ's column until its moments are known.
        st_sv(row, W + j, sc);
        red[r * WG + L] += sc;
      }
    }
    tree_sum(L);
    if (L == 0) { for (var r = 0; r < R; r++) { stat[2 * R + r] = red[r * WG] / f32(H); } }
    workgroupBarrier();
${ZERO_LANES('0.0')}
    ${units} {
      for (var r = 0; r < n; r++) { let d = ld_sv(off + b0 + r, W + j) - stat[2 * R + r]; red[r * WG + L] += d * d; }
    }
    tree_sum(L);
    if (L == 0) { for (var r = 0; r < R; r++) { stat[3 * R + r] = 1.0 / sqrt(red[r * WG] / f32(H) + eps); } }
    workgroupBarrier();
    ${units} {
      for (var r = 0; r < R; r++) {
        let k = r * H + j;
        if (r < n) {
          let row = off + b0 + r;
          let ch = (ld_sv(row, W + j) - stat[2 * R + r]) * stat[3 * R + r];
          st_sv(row, W + j, ch);
          let cn = ch * ld_gc(0, j) + ld_bc(0, j);
          let hn = ld_sv(row, 3 * H + j) * ln_tanh(cn);
          st_c(row, j, cn);
          st_h(row, j, hn);
          cS[k] = cn;
          hS[nxt + k] = hn;
        } else {
          hS[nxt + k] = hS[cur + k];
        }
      }
    }
    if (L == 0) {
      for (var r = 0; r < n; r++) {
        let row = off + b0 + r;
        st_sv(row, 5 * H, stat[r]); st_sv(row, 5 * H + 1, stat[R + r]); st_sv(row, 5 * H + 2, stat[3 * R + r]);
      }
    }
    cur = nxt;
  }`,
  };
}

/**
 * The backward walk, in the reverse order of the forward's. Per step: (A) d o_pre and dc' = dc +
 * carried dC + dh·σo(1 − tanh²c'), with the LN_c sums; (B) ds through LN_c, the other gate
 * gradients, dC for the predecessor (ds·σf), the LN_h sums; (C) dRecurrent through LN_h; a storage
 * barrier; (D) dH = dRecurrent·W_hh for the predecessor. γ/β partial sums accumulate in this group's
 * row of `part`; the carried dH, dC of every row end in `pd` (the finish dispatch copies them out).
 */
export function walkBackwardShader(bindings: Bindings, shape: LayerNormWalkShape): ShaderParts {
  const { hidden, rows, workgroupSize: WG } = shape;
  const units = `for (var j = L; j < H; j += WG)`;
  const bump = (col: string, value: string) => `st_part(p, ${col}, ld_part(p, ${col}) + ${value});`;
  return {
    workgroupSize: WG,
    helpers: `${MATH}${accessors(bindings, shape.names)}
var<workgroup> dH: array<f32, ${rows * hidden}>;
var<workgroup> dC: array<f32, ${rows * hidden}>;
// (mean of dc'·γ_c, mean of dc'·γ_c·ĉ) then (mean of dpre·γ_h, mean of dpre·γ_h·x̂_h) of each row.
var<workgroup> st2: array<vec2<f32>, ${2 * rows}>;
${treeSum('vec2<f32>', rows, WG)}`,
    body: `${prologue(shape)}
  let p = i32(group);
  // Every (r, j) entry and partial column of unit j is touched by the invocation of unit j only.
  ${units} {
    for (var r = 0; r < R; r++) { dH[r * H + j] = 0.0; dC[r * H + j] = 0.0; }
    for (var g = 0; g < ${PARTIAL_COLUMNS}; g++) { st_part(p, g * H + j, 0.0); }
  }
  for (var s = 0; s < T; s++) {
    let t = select(T - 1 - s, s, rev);
    let off = pi(OFF + u32(t));
    let n = clamp(pi(OFF + u32(t) + 1u) - off - b0, 0, R);
    let tp = select(t - 1, t + 1, rev);
    let tq = u32(clamp(tp, 0, T - 1));
    let poff = select(0, pi(OFF + tq), tp >= 0 && tp < T);
    let pb = select(0, pi(OFF + tq + 1u) - poff, tp >= 0 && tp < T);
    workgroupBarrier();
${ZERO_LANES('vec2<f32>(0.0)')}
    ${units} {
      for (var r = 0; r < n; r++) {
        let k = r * H + j;
        let row = off + b0 + r;
        let o = ld_sv(row, 3 * H + j);
        let tc = ln_tanh(ld_c(row, j));
        let dhv = ld_dh(row, j) + dH[k];
        st_dg(row, 3 * H + j, dhv * tc * o * (1.0 - o));
        let dcp = ld_dc(row, j) + dC[k] + dhv * o * (1.0 - tc * tc);
        dC[k] = dcp;
        let ch = ld_sv(row, W + j);
        let gg = dcp * ld_gc(0, j);
        red[r * WG + L] += vec2<f32>(gg, gg * ch);
        ${bump('8 * H + j', 'dcp * ch')}
        ${bump('9 * H + j', 'dcp')}
      }
    }
    tree_sum(L);
    if (L == 0) { for (var r = 0; r < R; r++) { st2[r] = red[r * WG] / f32(H); } }
    workgroupBarrier();
${ZERO_LANES('vec2<f32>(0.0)')}
    ${units} {
      for (var r = 0; r < n; r++) {
        let k = r * H + j;
        let b = b0 + r;
        let row = off + b;
        let ch = ld_sv(row, W + j);
        let ds = ld_sv(row, 5 * H + 2) * (dC[k] * ld_gc(0, j) - st2[r].x - ch * st2[r].y);
        let i = ld_sv(row, j);
        let f = ld_sv(row, H + j);
        let g = ld_sv(row, 2 * H + j);
        let cp = select(ld_c(poff + b, j), ld_c0(b, j), b >= pb);
        dC[k] = ds * f;
        var d: array<f32, 4>;
        d[0] = ds * g * i * (1.0 - i);
        d[1] = ds * cp * f * (1.0 - f);
        d[2] = ds * i * (1.0 - g * g);
        d[3] = ld_dg(row, 3 * H + j);
        st_dg(row, j, d[0]); st_dg(row, H + j, d[1]); st_dg(row, 2 * H + j, d[2]);
        let mu = ld_sv(row, 5 * H);
        let rs = ld_sv(row, 5 * H + 1);
        for (var e = 0; e < 4; e++) {
          let q = e * H + j;
          let xh = (ld_rec(row, q) - mu) * rs;
          let gq = d[e] * ld_gh(0, q);
          red[r * WG + L] += vec2<f32>(gq, gq * xh);
          ${bump('q', 'd[e] * xh')}
          ${bump('W + q', 'd[e]')}
        }
      }
    }
    tree_sum(L);
    if (L == 0) { for (var r = 0; r < R; r++) { st2[R + r] = red[r * WG] / f32(W); } }
    workgroupBarrier();
    ${units} {
      for (var r = 0; r < n; r++) {
        let row = off + b0 + r;
        let mu = ld_sv(row, 5 * H);
        let rs = ld_sv(row, 5 * H + 1);
        let m = st2[R + r];
        for (var e = 0; e < 4; e++) {
          let q = e * H + j;
          let xh = (ld_rec(row, q) - mu) * rs;
          st_dr(row, q, rs * (ld_dg(row, q) * ld_gh(0, q) - m.x - xh * m.y));
        }
      }
    }
    storageBarrier();
    ${units} {
      ${Array.from({ length: rows }, (_, r) => `var ${scalar(r, 0)} = 0.0;`).join(' ')}
      for (var q = 0; q < W; q++) {
        let wv = ld_w(q, j);
        ${perRow(rows, (r) => ` ${scalar(r, 0)} += ld_dr(off + b0 + ${r}, q) * wv; `)}
      }
      ${perRow(rows, (r) => ` dH[${r * hidden} + j] = ${scalar(r, 0)}; `)}
    }
  }
  ${units} {
    for (var r = 0; r < R && b0 + r < B; r++) {
      st_pd(b0 + r, j, dH[r * H + j]);
      st_pd(b0 + r, H + j, dC[r * H + j]);
    }
  }`,
  };
}

/** Workgroup size of the finish dispatch. */
export const FINISH_WORKGROUP = 64;

/**
 * The finish: element e < 10H adds column e of the groups' partial sums into dγ_h, dβ_h, dγ_c or
 * dβ_c; the next 2·B·H elements copy the carried gradients into dh0 and dc0. Params: groups, B.
 */
export function finishShader(bindings: Bindings, names: readonly string[], hidden: number): ShaderParts {
  const fold = (name: string, start: string, width: string) => `
  if (e >= ${start} && e < ${start} + ${width}) {
    var sum = 0.0;
    for (var g = 0; g < groups; g++) { sum += ld_part(g, e); }
    let k = e - (${start});
    st_${name}(0, k, ld_${name}(0, k) + sum);
  }`;
  return {
    workgroupSize: FINISH_WORKGROUP,
    helpers: accessors(bindings, names),
    body: `${names
      .map((name, k) => {
        const base = FIRST_PARAM + 2 + 3 * k;
        return `  o_${name} = pi(${base}u); r_${name} = pi(${base + 1}u); c_${name} = pi(${base + 2}u);`;
      })
      .join('\n')}
  let H = ${hidden};
  let W = ${4 * hidden};
  let groups = pi(${FIRST_PARAM}u);
  let B = pi(${FIRST_PARAM + 1}u);
  let e = i32(group) * ${FINISH_WORKGROUP} + i32(lid);
  ${fold('dgh', '0', 'W')}
  ${fold('dbh', 'W', 'W')}
  ${fold('dgc', '2 * W', 'H')}
  ${fold('dbc', '2 * W + H', 'H')}
  let x = e - 10 * H;
  if (x >= 0 && x < 2 * B * H) {
    let b = x / (2 * H);
    let j = x % (2 * H);
    if (j < H) { st_dh0(b, j, ld_pd(b, j)); } else { st_dc0(b, j - H, ld_pd(b, j)); }
  }`,
  };
}
