// Reduction shaders. Thread mode: one invocation per output folds its R inputs in order (short
// reductions, and column sums). Workgroup mode: one workgroup per output, 64 invocations stride
// over R and a shared-memory tree combines their partials (long reductions). A float sum adds
// blocks of SUM_BLOCK inputs apart, then joins each to its total with Kahan's compensation, so
// its rounding does not grow with R (one running float32 total put a column sum over 8192 rows
// 420 half-ulps off). K kept (output) elements.

import { REDUCE_OPS, type DType, type ReduceOp } from '@recur/backend';
import type { Bindings, Scalar } from './bindings.js';
import { scalarOf } from './elementwise-wgsl.js';
import { FIRST_PARAM } from './kernel-context.js';
import { layoutWordCount, offsetCode } from './strided-layout.js';
import type { ShaderParts } from './wgsl-prelude.js';

export const REDUCE_WORKGROUP = 64;
/** Inputs per partial sum of one invocation. */
const SUM_BLOCK = 64;

/** combine(acc, x) from REDUCE_OPS; float max/min propagate NaN by bits, as the contract's js does. */
function combineFunction(op: 'sum' | 'prod' | 'max' | 'min', type: Scalar): string {
  let expr: string = REDUCE_OPS[op].wgsl;
  if (type === 'f32' && (op === 'max' || op === 'min')) {
    const better = op === 'max' ? 'x > acc' : 'x < acc';
    expr = `select(acc, x, !recur_is_nan(acc) && (recur_is_nan(x) || ${better}))`;
  }
  return `fn combine(acc: ${type}, x: ${type}) -> ${type} { return ${expr}; }`;
}

/** take(a, b): whether candidate b replaces a — the extreme, NaN first, then the lower index. */
function argTakeFunction(op: 'argmax' | 'argmin', type: Scalar): string {
  const better = op === 'argmax' ? 'bv > av' : 'bv < av';
  const nanRules =
    type === 'f32'
      ? `  let an = recur_is_nan(av);
  let bn = recur_is_nan(bv);
  if (an && bn) { return bi < ai; }
  if (an) { return false; }
  if (bn) { return true; }`
      : '';
  return `fn take(av: ${type}, ai: i32, bv: ${type}, bi: i32) -> bool {
  if (bi < 0) { return false; }
  if (ai < 0) { return true; }
${nanRules}
  if (bv == av) { return bi < ai; }
  return ${better};
}`;
}

export interface ReduceShape {
  readonly op: ReduceOp;
  readonly dtype: DType;
  /** Ranks of the merged kept and reduced layouts. */
  readonly keptRank: number;
  readonly reducedRank: number;
  readonly workgroupMode: boolean;
}

/** Param words: [K, R, identity bits, kept layout (x, out), reduced layout (x, offset 0)]. */
export function reduceShader(bindings: Bindings, shape: ReduceShape): ShaderParts {
  const { op, dtype, keptRank, reducedRank, workgroupMode } = shape;
  const type = scalarOf(dtype);
  const isArg = op === 'argmax' || op === 'argmin';
  const keptBase = FIRST_PARAM + 3;
  const reducedBase = keptBase + layoutWordCount(keptRank, 2);
  const helpers = isArg ? argTakeFunction(op, type) : combineFunction(op as 'sum' | 'prod' | 'max' | 'min', type);
  const step = workgroupMode ? `${REDUCE_WORKGROUP}u` : '1u';
  const start = workgroupMode ? 'lid' : '0u';
  const fold = isArg ? `    if (take(acc, best, v, i32(r))) { acc = v; best = i32(r); }` : `    acc = combine(acc, v);`;
  const loop = [offsetCode(reducedRank, 1, reducedBase, 'r', 'q'), `    let v = ${bindings.load(1, 'o0 + q0', type)};`];
  const count = `pu(${FIRST_PARAM + 1}u)`;
  const folded =
    op === 'sum' && type === 'f32'
      ? [
          '  var lost = 0.0;',
          `  for (var r0 = ${start}; r0 < ${count}; r0 += ${step} * ${SUM_BLOCK}u) {`,
          '    var part = 0.0;',
          `    for (var r = r0; r < min(${count}, r0 + ${step} * ${SUM_BLOCK}u); r += ${step}) {`,
          ...loop.map((line) => `  ${line}`),
          '      part += v;',
          '    }',
          // Kahan: lost is what rounding dropped from acc, put back with the next part; it stays 0
          // once acc is ±inf or NaN (∞ − ∞ would turn an infinite sum into NaN).
          '    let y = part - lost;',
          '    let t = acc + y;',
          '    lost = select(0.0, (t - acc) - y, abs(t) <= 3.4028234e38);',
          '    acc = t;',
          '  }',
        ]
      : [`  for (var r = ${start}; r < ${count}; r += ${step}) {`, ...loop, fold, '  }'];
  const lines = [
    workgroupMode ? '  let k = group;' : `  let k = group * ${REDUCE_WORKGROUP}u + lid;`,
    workgroupMode ? '' : `  if (k >= pu(${FIRST_PARAM}u)) { return; }`,
    offsetCode(keptRank, 2, keptBase, 'k'),
    // The identity arrives as a param word: WGSL constants cannot hold ±∞.
    `  var acc: ${type} = ${type === 'u32' ? '' : `bitcast<${type}>`}(pu(${FIRST_PARAM + 2}u));`,
    '  var best: i32 = -1;',
    ...folded,
  ];
  if (!workgroupMode) {
    lines.push(isArg ? `  ${bindings.store(0, 'o1', 'best', 'i32')}` : `  ${bindings.store(0, 'o1', 'acc', type)}`);
    return { workgroupSize: REDUCE_WORKGROUP, helpers, body: lines.join('\n') };
  }
  const tree = isArg
    ? `      if (take(partial[lid], partialIndex[lid], partial[lid + s], partialIndex[lid + s])) {
        partial[lid] = partial[lid + s];
        partialIndex[lid] = partialIndex[lid + s];
      }`
    : '      partial[lid] = combine(partial[lid], partial[lid + s]);';
  lines.push(
    '  partial[lid] = acc;',
    '  partialIndex[lid] = best;',
    '  workgroupBarrier();',
    `  for (var s = ${REDUCE_WORKGROUP / 2}u; s > 0u; s = s >> 1u) {`,
    '    if (lid < s) {',
    tree,
    '    }',
    '    workgroupBarrier();',
    '  }',
    '  if (lid == 0u) {',
    isArg ? `    ${bindings.store(0, 'o1', 'partialIndex[0]', 'i32')}` : `    ${bindings.store(0, 'o1', 'partial[0]', type)}`,
    '  }',
  );
  const shared = `var<workgroup> partial: array<${type}, ${REDUCE_WORKGROUP}>;\nvar<workgroup> partialIndex: array<i32, ${REDUCE_WORKGROUP}>;`;
  return { workgroupSize: REDUCE_WORKGROUP, helpers: `${shared}\n${helpers}`, body: lines.join('\n') };
}
