// Elementwise loop compiler: turns an op-table expression into a loop specialised per op, dtypes
// and layout with `new Function`, so the math is inlined where the element is loaded. Operand 0
// is the output; inputs carry the expression's names (x; a b; c a b). `$`-prefixed names are ours.

import type { AnyTypedArray } from '@recur/backend';
import type { Layout } from './strided.js';
import { forEachRun } from './strided.js';

/** A loop over a layout: arrays and offsets list the output first, then the inputs. */
export type ElementLoop = (arrays: readonly AnyTypedArray[], offsets: readonly number[], layout: Layout) => void;

export interface LoopSpec {
  /** Unique per expression and operand dtypes; distinct keys keep each loop's call sites monomorphic. */
  readonly key: string;
  /** Input names the expression reads, in operand order (at most three). */
  readonly inputs: readonly string[];
  /** A JavaScript expression over the inputs; its value is stored into the output. */
  readonly expr: string;
  /** The same math as a closure, used where code generation is forbidden. */
  readonly fallback: (a: number, b: number, c: number) => number;
}

export interface CompiledLoops {
  /** Every operand steps by 1 over one dimension (see `isFlat`). */
  readonly flat: ElementLoop;
  /** Any layout. */
  readonly strided: ElementLoop;
}

function flatSource(spec: LoopSpec): string {
  const names = spec.inputs;
  const lines = ['"use strict";', 'const $o = arrays[0], $oo = offsets[0], $n = layout.shape[0];'];
  names.forEach((_, k) => lines.push(`const $i${k} = arrays[${k + 1}], $q${k} = offsets[${k + 1}];`));
  const loads = names.map((name, k) => `const ${name} = $i${k}[$q${k} + $j];`).join(' ');
  lines.push(`for (let $j = 0; $j < $n; $j++) { ${loads} $o[$oo + $j] = (${spec.expr}); }`);
  return lines.join('\n');
}

function stridedSource(spec: LoopSpec): string {
  const operands = ['o', ...spec.inputs.map((_, k) => `i${k}`)];
  const each = (template: (operand: string, k: number) => string): string => operands.map(template).join(' ');
  const loads = spec.inputs.map((name, k) => `const ${name} = $i${k}[$pi${k}];`).join(' ');
  return [
    '"use strict";',
    'const shape = layout.shape, strides = layout.strides;',
    'const $last = shape.length - 1, $n = shape[$last];',
    each((o, k) => `const $${o} = arrays[${k}], $s${o} = strides[${k}][$last]; let $p${o} = offsets[${k}];`),
    'let $runs = 1; for (let $d = 0; $d < $last; $d++) $runs *= shape[$d];',
    'const $index = new Int32Array(shape.length);',
    'for (let $r = 0; $r < $runs; $r++) {',
    `  for (let $j = 0; $j < $n; $j++) { ${loads} $o[$po] = (${spec.expr}); ${each((o) => `$p${o} += $s${o};`)} }`,
    `  ${each((o) => `$p${o} -= $n * $s${o};`)}`,
    '  for (let $d = $last - 1; $d >= 0; $d--) {',
    `    if (++$index[$d] < shape[$d]) { ${each((o, k) => `$p${o} += strides[${k}][$d];`)} break; }`,
    '    $index[$d] = 0;',
    `    const $back = shape[$d] - 1; ${each((o, k) => `$p${o} -= $back * strides[${k}][$d];`)}`,
    '  }',
    '}',
  ].join('\n');
}

const NO_INPUT = new Float64Array(1);

/** The same loop, calling `spec.fallback` per element: slower, but needs no code generation. */
function closureLoop(spec: LoopSpec): ElementLoop {
  const fn = spec.fallback;
  const count = spec.inputs.length;
  return (arrays, offsets, layout) => {
    const last = layout.shape.length - 1;
    const n = layout.shape[last]!;
    const out = arrays[0]!;
    const inputs = [1, 2, 3].map((k) => (k <= count ? arrays[k]! : NO_INPUT));
    const steps = [0, 1, 2, 3].map((k) => (k <= count ? layout.strides[k]![last]! : 0));
    const [in0, in1, in2] = inputs as [AnyTypedArray, AnyTypedArray, AnyTypedArray];
    const [so, s0, s1, s2] = steps as [number, number, number, number];
    const runLayout = { shape: layout.shape, strides: layout.strides.slice(0, count + 1) };
    forEachRun(runLayout, offsets.slice(0, count + 1), (pointers) => {
      let po = pointers[0]!;
      let p0 = count > 0 ? pointers[1]! : 0;
      let p1 = count > 1 ? pointers[2]! : 0;
      let p2 = count > 2 ? pointers[3]! : 0;
      for (let j = 0; j < n; j++) {
        out[po] = fn(in0[p0]!, in1[p1]!, in2[p2]!);
        po += so;
        p0 += s0;
        p1 += s1;
        p2 += s2;
      }
    });
  };
}

const generated = new Map<string, unknown>();
const closures = new Map<string, unknown>();
let codegenBlocked = false;

/**
 * A function compiled from `body` over `params`, built once per key. Where code generation is
 * off or forbidden, `closure()` builds an equivalent (slower) function instead, also cached.
 */
export function buildFunction<F>(key: string, params: readonly string[], body: () => string, closure: () => F, codegen: boolean): F {
  if (codegen && !codegenBlocked) {
    const cached = generated.get(key);
    if (cached !== undefined) return cached as F;
    try {
      const fn = new Function(...params, body()) as F;
      generated.set(key, fn);
      return fn;
    } catch (error) {
      // A strict Content-Security-Policy forbids `new Function` (EvalError); anything else is a bug.
      if (!(error instanceof EvalError)) throw error;
      codegenBlocked = true;
    }
  }
  let fn = closures.get(key) as F | undefined;
  if (fn === undefined) {
    fn = closure();
    closures.set(key, fn);
  }
  return fn;
}

const LOOP_PARAMS = ['arrays', 'offsets', 'layout'];

/** The flat and strided loops for `spec`; `codegen: false` forces the closure path. */
export function compileLoops(spec: LoopSpec, codegen = true): CompiledLoops {
  const flat = buildFunction<ElementLoop>(
    `flat:${spec.key}`,
    LOOP_PARAMS,
    () => flatSource(spec),
    () => closureLoop(spec),
    codegen,
  );
  const strided = buildFunction<ElementLoop>(
    `strided:${spec.key}`,
    LOOP_PARAMS,
    () => stridedSource(spec),
    () => closureLoop(spec),
    codegen,
  );
  return { flat, strided };
}
