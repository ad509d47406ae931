// Seeded float32 inputs for gradient checks, kept away from the points where finite differences
// break: kinks (relu, abs, clamp bounds), ties (max, maximum), poles and log/sqrt domains. Every
// helper draws from the default generator, so `manualSeed` before building makes a case repeatable.

import { add, fromTypedArray, rand, randn, transpose, type Tensor } from '@recur/tensor';

/** Apply `f` to the values of `t` on the host and return them as a new tensor; `t` is freed. */
function mapOnHost(t: Tensor, f: (value: number, index: number, all: Float32Array) => number): Tensor {
  const values = Float32Array.from(t.dataSync());
  const mapped = Float32Array.from(values, (v, i) => f(v, i, values));
  const shape = t.shape;
  t.dispose();
  return fromTypedArray(mapped, shape);
}

/** Standard normal values. */
export const normalInput = (shape: readonly number[]): Tensor => randn(shape);

/** Uniform on [low, high) (default [0.5, 2): safe for log, sqrt, rsqrt and 1/x). */
export function positiveInput(shape: readonly number[], low = 0.5, high = 2): Tensor {
  return mapOnHost(rand(shape), (v) => low + (high - low) * v);
}

/**
 * Normal values pushed at least `margin` away from each of `points` (kinks or bounds). Points
 * must be more than 2·margin apart, so a value pushed off one never lands near another.
 */
export function awayFrom(shape: readonly number[], points: readonly number[] = [0], margin = 0.25): Tensor {
  return mapOnHost(randn(shape), (v) => {
    for (const p of points) {
      if (Math.abs(v - p) < margin) v = p + (v >= p ? margin : -margin);
    }
    return v;
  });
}

/** Distinct values `spacing` apart in random order (no ties for max/min), centred on 0. */
export function distinctInput(shape: readonly number[], spacing = 0.3): Tensor {
  return mapOnHost(randn(shape), (v, _i, all) => {
    let rank = 0;
    for (const w of all) if (w < v) rank++;
    return (rank - (all.length - 1) / 2) * spacing;
  });
}

/**
 * A pair (a, b) with |a - b| ≥ margin everywhere after broadcasting (no ties for maximum and
 * minimum); `shapeA` must be the broadcast shape, b broadcasts onto it.
 */
export function separatedPair(shapeA: readonly number[], shapeB: readonly number[] = shapeA, margin = 0.25): [Tensor, Tensor] {
  const b = randn(shapeB);
  const offset = awayFrom(shapeA, [0], margin);
  const a = add(offset, b);
  offset.dispose();
  return [a, b];
}

/** A normal tensor of `shape` whose last two axes are swapped in memory (not contiguous). */
export function transposedInput(shape: readonly number[]): Tensor {
  const stored = [...shape];
  const rank = stored.length;
  [stored[rank - 2], stored[rank - 1]] = [stored[rank - 1]!, stored[rank - 2]!];
  const base = randn(stored);
  const view = transpose(base);
  base.dispose();
  return view;
}

/** A stable 31-bit hash of a case name, used as its seed. */
export function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 1;
}
