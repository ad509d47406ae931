// Shapes and value domains for conformance cases. Edge shapes cover 0-d scalars, 0-size and
// size-1 dimensions and sizes off typical tile multiples (3, 5, 17, 33, 65), ranks 0–4.

import type { DType } from '@recur/backend';
import type { Rng } from './prng.js';

export type Shape = readonly number[];

/** Draws one element value; inputs fill whole buffers with it, padding included. */
export type Generate = (rng: Rng) => number;

export const EDGE_SHAPES: readonly Shape[] = [
  [],
  [0],
  [1],
  [3],
  [5],
  [17],
  [33],
  [65],
  [1, 1],
  [3, 0],
  [0, 5],
  [3, 5],
  [17, 3],
  [1, 65],
  [65, 33],
  [5, 1, 7],
  [2, 0, 3],
  [3, 17, 2],
  [1, 5, 1, 3],
  [2, 3, 4, 5],
  [3, 1, 0, 2],
];

const RANDOM_DIMS = [1, 2, 3, 4, 5, 7, 9, 17, 33];

/** A random shape of rank 0–maxRank with at most maxSize elements. */
export function randomShape(rng: Rng, maxRank = 4, maxSize = 4096): number[] {
  const rank = rng.int(0, maxRank);
  const shape: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    let d = rng.pick(RANDOM_DIMS);
    while (d > 1 && size * d > maxSize) d = Math.floor(d / 2);
    shape.push(d);
    size *= d;
  }
  return shape;
}

/** The edge shapes followed by a few random ones. */
export function caseShapes(rng: Rng, randomCount = 3): Shape[] {
  const shapes: Shape[] = [...EDGE_SHAPES];
  for (let i = 0; i < randomCount; i++) shapes.push(randomShape(rng));
  return shapes;
}

export const uniformIn =
  (low: number, high: number): Generate =>
  (rng) =>
    rng.uniform(low, high);

/** Log-uniform in [low, high): positive values spread over magnitudes. */
export const logUniform =
  (low: number, high: number): Generate =>
  (rng) =>
    Math.exp(rng.uniform(Math.log(low), Math.log(high)));

export const intIn =
  (low: number, high: number): Generate =>
  (rng) =>
    rng.int(low, high);

/** Multiples of 0.25 in [low, high]: exact integers, halves and ties turn up often. */
export const quarterSteps =
  (low: number, high: number): Generate =>
  (rng) =>
    rng.int(low * 4, high * 4) / 4;

export const signed =
  (magnitude: Generate): Generate =>
  (rng) =>
    (rng.next() < 0.5 ? -1 : 1) * magnitude(rng);

/** With probability `p`, one of `specials` instead of a draw from `base`. */
export const withSpecials =
  (base: Generate, specials: readonly number[], p: number): Generate =>
  (rng) =>
    rng.next() < p ? rng.pick(specials) : base(rng);

export const oneOf =
  (values: readonly number[]): Generate =>
  (rng) =>
    rng.pick(values);

export const bit: Generate = (rng) => rng.int(0, 1);

/** A nonzero integer in [low, high]: integer division by zero is not defined on every backend. */
export const nonzeroIntIn =
  (low: number, high: number): Generate =>
  (rng) => {
    for (;;) {
      const value = rng.int(low, high);
      if (value !== 0) return value;
    }
  };

/** A general-purpose value for a dtype. */
export function anyValue(dtype: DType): Generate {
  switch (dtype) {
    case 'float32':
      return withSpecials(uniformIn(-4, 4), [0, 1, -1], 0.1);
    case 'int32':
      return intIn(-100, 100);
    case 'bool':
      return bit;
  }
}

/** Values written into output buffers before a kernel runs, to spot skipped or stray writes. */
export function sentinel(dtype: DType): Generate {
  switch (dtype) {
    case 'float32':
      return uniformIn(-1000, 1000);
    case 'int32':
      return intIn(-1000000, 1000000);
    case 'bool':
      return bit;
  }
}
