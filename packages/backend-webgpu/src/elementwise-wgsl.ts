// Elementwise shaders generated from the shared op tables (UNARY_OPS/BINARY_OPS `wgsl`). A few
// table expressions are adapted where WGSL alone would break the contract: NaN tests by bits
// (WGSL may assume no NaN), accurate sin/cos/exp/log/tanh/sigmoid, integer literals for int32,
// int32 x / 0 = 0 (CPU).

import { BINARY_OPS, UNARY_OPS, type BinaryOp, type DType, type UnaryOp } from '@recur/backend';
import type { Bindings, Scalar } from './bindings.js';
import { FIRST_PARAM } from './kernel-context.js';
import { layoutWordCount, offsetCode } from './strided-layout.js';
import type { ShaderParts } from './wgsl-prelude.js';

export const ELEMENTWISE_WORKGROUP = 64;

export function scalarOf(dtype: DType): Scalar {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

/** Whole-number float literals (`0.0`) become integer literals: WGSL does not mix i32 and f32. */
function forInt(expr: string): string {
  return expr.replace(/\b(\d+)\.0\b/g, '$1');
}

const UNARY_OVERRIDES: Partial<Record<UnaryOp, string>> = {
  isNaN: 'select(0u, 1u, recur_is_nan(x))',
  // WGSL's sin/cos promise only 2^-11 absolute error (see recur_sincos in wgsl-prelude.ts).
  sin: 'recur_sincos(x).x',
  cos: 'recur_sincos(x).y',
  // WGSL's exp, log and tanh are loose, SwiftShader's log and tanh badly so near 1 and 0 (see
  // precise-math-wgsl.ts).
  exp: 'recur_exp(x)',
  log: 'recur_log(x)',
  tanh: 'recur_tanh(x)',
  sigmoid: 'recur_sigmoid(x)',
};

// The table's `max`/`min` leave NaN to the implementation; the contract propagates it from
// either side and otherwise picks exactly as the js expression does.
const FLOAT_BINARY: Partial<Record<BinaryOp, string>> = {
  maximum: 'select(b, a, recur_is_nan(a) || (!recur_is_nan(b) && a > b))',
  minimum: 'select(b, a, recur_is_nan(a) || (!recur_is_nan(b) && a < b))',
};

const INT_BINARY: Partial<Record<BinaryOp, string>> = {
  // WGSL gives a / 0 = a; the CPU stores ±Infinity or NaN into Int32Array, which is 0.
  div: 'select(a / b, 0, b == 0)',
};

export function unaryExpression(op: UnaryOp, dtype: DType): string {
  const table = UNARY_OVERRIDES[op] ?? UNARY_OPS[op].wgsl;
  return dtype === 'int32' ? forInt(table) : table;
}

export function binaryExpression(op: BinaryOp, dtype: DType): string {
  if (dtype === 'float32') return FLOAT_BINARY[op] ?? BINARY_OPS[op].wgsl;
  if (dtype === 'int32') return INT_BINARY[op] ?? forInt(BINARY_OPS[op].wgsl);
  return BINARY_OPS[op].wgsl;
}

/**
 * Conversion of `x` (of dtype `from`) to dtype `to`: float→int truncates toward zero (NaN gives 0,
 * as the CPU's Int32Array store; out-of-range values saturate where the CPU wraps); →bool is
 * x ≠ 0 by bits, so NaN is true and −0 false.
 */
export function castExpression(from: DType, to: DType): string {
  if (from === to) return 'x';
  if (to === 'bool') return from === 'float32' ? 'select(0u, 1u, (bitcast<u32>(x) & 0x7fffffffu) != 0u)' : 'select(0u, 1u, x != 0)';
  if (to === 'float32') return 'f32(x)';
  return from === 'float32' ? 'select(i32(x), 0, recur_is_nan(x))' : 'i32(x)';
}

export interface ElementwiseSpec {
  readonly rank: number;
  /** Names and types of the inputs (operands 1…); operand 0 is out. */
  readonly inputs: readonly { readonly name: string; readonly type: Scalar }[];
  readonly outType: Scalar;
  /** WGSL expression of the inputs (and of param words read with pu/pf/pi). */
  readonly expr: string;
}

/** Param words: [n, layout words of out and the inputs, extra words…]. */
export function extraParamWord(rank: number, inputs: number): number {
  return FIRST_PARAM + 1 + layoutWordCount(rank, inputs + 1);
}

/** Consecutive elements of one innermost row per invocation (see elementwiseShader). */
export const ELEMENTWISE_RUN = 4;

/** Invocations an elementwise launch needs: rows × ⌈inner / RUN⌉ of the merged layout. */
export function elementwiseInvocations(n: number, inner: number): number {
  return (n / inner) * Math.ceil(inner / ELEMENTWISE_RUN);
}

/**
 * One invocation per run of ELEMENTWISE_RUN elements along the innermost merged dim: the
 * row-major index is turned into buffer offsets (a division per dim) once per run, and the run's
 * elements step by each operand's innermost stride. On SwiftShader integer division is per lane
 * and every invocation carries fixed costs, so this made copies and broadcasts ~2–3× faster;
 * on GPUs it is the usual few-elements-per-thread arrangement.
 */
export function elementwiseShader(bindings: Bindings, spec: ElementwiseSpec): ShaderParts {
  const operands = spec.inputs.length + 1;
  const base = FIRST_PARAM + 1;
  const innerWord = base + spec.rank - 1;
  const innerStride = (k: number): string => `pi(${base + spec.rank + k * (1 + spec.rank) + spec.rank}u)`;
  const element = (e: number): string => {
    const loads = spec.inputs.map(
      (input, k) => `let ${input.name} = ${bindings.load(k + 1, `o${k + 1} + ${e} * ${innerStride(k + 1)}`, input.type)};`,
    );
    return [
      `  if (c0 + ${e}u < inner) {`,
      ...loads.map((line) => `    ${line}`),
      `    ${bindings.store(0, `o0 + ${e} * ${innerStride(0)}`, spec.expr, spec.outType)}`,
      '  }',
    ].join('\n');
  };
  return {
    workgroupSize: ELEMENTWISE_WORKGROUP,
    body: [
      `  let u = group * ${ELEMENTWISE_WORKGROUP}u + lid;`,
      `  let inner = pu(${innerWord}u);`,
      `  let chunks = (inner + ${ELEMENTWISE_RUN - 1}u) / ${ELEMENTWISE_RUN}u;`,
      `  if (u >= (pu(${FIRST_PARAM}u) / inner) * chunks) { return; }`,
      `  let c0 = (u % chunks) * ${ELEMENTWISE_RUN}u;`,
      offsetCode(spec.rank, operands, base, `(u / chunks) * inner + c0`),
      ...Array.from({ length: ELEMENTWISE_RUN }, (_, e) => element(e)),
    ].join('\n'),
  };
}
