// Shaders of the quantised kernels (quantized.ts). Weights are array<u32> words: int8 four to a
// word (element k of a row in byte k mod 4, rows padded to whole words), float16 two to a word.
// int8Linear, packed: one workgroup per (row m of x, 64 outputs n); the group quantises x_m to
// 15 bits v = round(x·16256/max|x_m|) split into two int8 parts v = 128·hi + lo (hi ∈ [-127, 127],
// lo ∈ [-64, 63]) kept packed in workgroup memory, and each invocation sums dot4I8Packed of its
// weight words with both parts. Unpacked: one invocation per (m, n), bytes sign-extended by
// shifts and multiplied in float32. M rows of x, N outputs, K inputs, W words per weight row.

import type { Bindings } from './bindings.js';
import { FIRST_PARAM } from './kernel-context.js';
import type { ShaderParts } from './wgsl-prelude.js';

export const QUANTIZED_WORKGROUP = 64;
/** Words of x a packed int8Linear group keeps (two arrays of this many u32): K ≤ 4·this. */
export const PACKED_MAX_WORDS = 1024;
/** The 15-bit activation range: 127·128, so hi = round(v/128) stays in int8. */
const ACTIVATION_RANGE = 16256;

// Params after the grid words: M, N, K, W, then the operands' offsets, then accumulate.
const P = (k: number) => `pu(${FIRST_PARAM + k}u)`;
const HEADER = `
  let M = ${P(0)}; let N = ${P(1)}; let K = ${P(2)}; let W = ${P(3)};
  let xOff = ${P(4)}; let wOff = ${P(5)}; let sOff = ${P(6)}; let oOff = ${P(7)}; let accumulate = ${P(8)} != 0u;`;

/** Sign-extended byte j (0–3) of a word as f32. */
const UNPACK = `
fn q8(word: u32, j: u32) -> f32 { return f32(bitcast<i32>(word << (24u - 8u * j)) >> 24u); }`;

function store(bindings: Bindings, out: number, value: string): string {
  return `
    let at = oOff + m * N + n;
    var result = ${value};
    if (accumulate) { result = result + ${bindings.load(out, 'at', 'f32')}; }
    ${bindings.store(out, 'at', 'result', 'f32')}`;
}

/** Operands: 0 x, 1 weight, 2 scales, 3 out. Groups: M·⌈N/64⌉. */
export function int8LinearPackedShader(bindings: Bindings): ShaderParts {
  const x = (index: string) => bindings.load(0, index, 'f32');
  return {
    workgroupSize: QUANTIZED_WORKGROUP,
    helpers: `
var<workgroup> xHigh: array<u32, ${PACKED_MAX_WORDS}>;
var<workgroup> xLow: array<u32, ${PACKED_MAX_WORDS}>;
var<workgroup> largest: array<f32, ${QUANTIZED_WORKGROUP}>;`,
    body: `${HEADER}
  let tiles = (N + ${QUANTIZED_WORKGROUP - 1}u) / ${QUANTIZED_WORKGROUP}u;
  let m = group / tiles;
  let n = (group % tiles) * ${QUANTIZED_WORKGROUP}u + lid;
  var a = 0.0;
  for (var k = lid; k < K; k += ${QUANTIZED_WORKGROUP}u) { a = max(a, abs(${x('xOff + m * K + k')})); }
  largest[lid] = a;
  workgroupBarrier();
  for (var half = ${QUANTIZED_WORKGROUP / 2}u; half > 0u; half = half >> 1u) {
    if (lid < half) { largest[lid] = max(largest[lid], largest[lid + half]); }
    workgroupBarrier();
  }
  let amax = largest[0];
  let scale = select(0.0, ${ACTIVATION_RANGE}.0 / amax, amax > 0.0);
  for (var w = lid; w < W; w += ${QUANTIZED_WORKGROUP}u) {
    var high = vec4<i32>(0);
    var low = vec4<i32>(0);
    for (var j = 0u; j < 4u; j++) {
      let k = 4u * w + j;
      var v = 0;
      if (k < K) { v = clamp(i32(round(${x('xOff + m * K + k')} * scale)), -${ACTIVATION_RANGE}, ${ACTIVATION_RANGE}); }
      let h = (v + 64) >> 7u;
      high[j] = h;
      low[j] = v - 128 * h;
    }
    xHigh[w] = pack4xI8(high);
    xLow[w] = pack4xI8(low);
  }
  workgroupBarrier();
  if (n >= N) { return; }
  var sumHigh = 0;
  var sumLow = 0;
  for (var w = 0u; w < W; w++) {
    let word = ${bindings.load(1, 'wOff + n * W + w', 'u32')};
    sumHigh += dot4I8Packed(word, xHigh[w]);
    sumLow += dot4I8Packed(word, xLow[w]);
  }
  let dot = f32(sumHigh) * 128.0 + f32(sumLow);
  ${store(bindings, 3, `select(0.0, dot * (amax / ${ACTIVATION_RANGE}.0) * ${bindings.load(2, 'sOff + n', 'f32')}, amax > 0.0)`)}`,
  };
}

/** Operands: 0 x, 1 weight, 2 scales, 3 out. Groups: ⌈M·N/64⌉. */
export function int8LinearUnpackedShader(bindings: Bindings): ShaderParts {
  const x = (index: string) => bindings.load(0, index, 'f32');
  return {
    workgroupSize: QUANTIZED_WORKGROUP,
    helpers: UNPACK,
    body: `${HEADER}
  let index = group * ${QUANTIZED_WORKGROUP}u + lid;
  if (index >= M * N) { return; }
  let m = index / N;
  let n = index % N;
  var sum = 0.0;
  for (var w = 0u; w < W; w++) {
    let word = ${bindings.load(1, 'wOff + n * W + w', 'u32')};
    for (var j = 0u; j < 4u; j++) {
      let k = 4u * w + j;
      if (k < K) { sum += q8(word, j) * ${x('xOff + m * K + k')}; }
    }
  }
  ${store(bindings, 3, `sum * ${bindings.load(2, 'sOff + n', 'f32')}`)}`,
  };
}

/** Operands: 0 x, 1 weight, 2 out (float16 words). Groups: ⌈M·N/64⌉. */
export function float16LinearShader(bindings: Bindings): ShaderParts {
  const x = (index: string) => bindings.load(0, index, 'f32');
  return {
    workgroupSize: QUANTIZED_WORKGROUP,
    body: `${HEADER}
  let index = group * ${QUANTIZED_WORKGROUP}u + lid;
  if (index >= M * N) { return; }
  let m = index / N;
  let n = index % N;
  var sum = 0.0;
  for (var w = 0u; w < W; w++) {
    let pair = unpack2x16float(${bindings.load(1, 'wOff + n * W + w', 'u32')});
    let k = 2u * w;
    sum += pair.x * ${x('xOff + m * K + k')};
    if (k + 1u < K) { sum += pair.y * ${x('xOff + m * K + k + 1u')}; }
  }
  ${store(bindings, 2, 'sum')}`,
  };
}

/** dequantizeInt8 (operands 0 weight, 1 scales, 2 out) or dequantizeFloat16 (0 weight, 1 out): one invocation per element of out [N, K]. */
export function dequantizeShader(bindings: Bindings, int8: boolean): ShaderParts {
  const out = int8 ? 2 : 1;
  const value = int8
    ? `q8(${bindings.load(0, 'wOff + n * W + k / 4u', 'u32')}, k % 4u) * ${bindings.load(1, 'sOff + n', 'f32')}`
    : `unpack2x16float(${bindings.load(0, 'wOff + n * W + k / 2u', 'u32')})[k % 2u]`;
  return {
    workgroupSize: QUANTIZED_WORKGROUP,
    helpers: UNPACK,
    body: `${HEADER}
  let index = group * ${QUANTIZED_WORKGROUP}u + lid;
  if (index >= N * K) { return; }
  let n = index / K;
  let k = index % K;
  ${bindings.store(out, 'oOff + index', value, 'f32')}`,
  };
}
