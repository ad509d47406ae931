// Gradient-check cases for the view ops (reshape … clone), joining and splitting (concat, stack,
// split, chunk, pad) and indexing (gather, indexSelect with repeated indices, scatterAdd). Their
// VJPs move values without arithmetic, so the random output weights R catch any misplacement.

import {
  chunk,
  clone,
  concat,
  contiguous,
  expand,
  flatten,
  gather,
  indexSelect,
  mul,
  narrow,
  pad,
  permute,
  reshape,
  scatterAdd,
  select,
  slice,
  split,
  squeeze,
  stack,
  tensor,
  transpose,
  unsqueeze,
  view,
  type Tensor,
} from '@recur/tensor';
import { gradcheckCase as c, type GradcheckCase } from './op-case.js';
import { normalInput as n, transposedInput } from './inputs.js';

/** Pieces weighted 1, 2, 3, … and flattened into one output, so every piece counts differently. */
function joinPieces(pieces: readonly Tensor[]): Tensor {
  return concat(pieces.map((piece, k) => flatten(mul(piece, k + 1))));
}

const int32 = (values: number[][] | number[]): Tensor => tensor(values, { dtype: 'int32' });

export const viewCases: readonly GradcheckCase[] = [
  c('reshape [2,3,4] → [4,-1]', () => ({ fn: (x) => reshape(x, [4, -1]), inputs: [n([2, 3, 4])] })),
  c('reshape of a transposed input (copies)', () => ({
    fn: (x) => reshape(x, [6]),
    inputs: [transposedInput([2, 3])],
    strided: [0],
  })),
  c('reshape to 0-d and back', () => ({ fn: (x) => reshape(reshape(x, []), [1, 1]), inputs: [n([1])] })),
  c('view [2,3,4] → [6,4]', () => ({ fn: (x) => view(x, [6, 4]), inputs: [n([2, 3, 4])] })),
  c('permute [2,3,4] by [2,0,1]', () => ({ fn: (x) => permute(x, [2, 0, 1]), inputs: [n([2, 3, 4])] })),
  c('transpose axes 0 and 2', () => ({ fn: (x) => transpose(x, 0, 2), inputs: [n([2, 3, 4])] })),
  c('transpose of a 1-D input (identity)', () => ({ fn: (x) => transpose(x), inputs: [n([4])] })),
  c('expand [3,1] → [2,3,4]', () => ({ fn: (x) => expand(x, [2, 3, 4]), inputs: [n([3, 1])] })),
  c('expand with -1 [2,1] → [-1,3]', () => ({ fn: (x) => expand(x, [-1, 3]), inputs: [n([2, 1])] })),
  c('narrow axis 1, start 1, length 2', () => ({ fn: (x) => narrow(x, 1, 1, 2), inputs: [n([3, 4])] })),
  c('narrow with a negative start', () => ({ fn: (x) => narrow(x, 0, -2, 2), inputs: [n([4, 2])] })),
  c('slice axis 1 with step 2', () => ({ fn: (x) => slice(x, 1, 0, 5, 2), inputs: [n([2, 5])] })),
  c('slice with a negative start and step 3', () => ({ fn: (x) => slice(x, 0, -7, undefined, 3), inputs: [n([8, 2])] })),
  c('slice of a slice (offset and stride compose)', () => ({
    fn: (x) => slice(slice(x, 1, 1, undefined, 2), 0, 1),
    inputs: [n([3, 7])],
  })),
  c('select axis 1, index 2', () => ({ fn: (x) => select(x, 1, 2), inputs: [n([2, 4, 3])] })),
  c('select with a negative index', () => ({ fn: (x) => select(x, 0, -1), inputs: [n([3, 2])] })),
  c('squeeze all size-1 axes', () => ({ fn: (x) => squeeze(x), inputs: [n([2, 1, 3, 1])] })),
  c('squeeze one axis', () => ({ fn: (x) => squeeze(x, 1), inputs: [n([2, 1, 3, 1])] })),
  c('unsqueeze at -1', () => ({ fn: (x) => unsqueeze(x, -1), inputs: [n([2, 3])] })),
  c('flatten axes 1..2', () => ({ fn: (x) => flatten(x, 1, 2), inputs: [n([2, 3, 2, 2])] })),
  c('contiguous of a transposed input (copies)', () => ({
    fn: (x) => contiguous(x),
    inputs: [transposedInput([3, 4])],
    strided: [0],
  })),
  c('contiguous of a contiguous input (a view)', () => ({ fn: (x) => contiguous(x), inputs: [n([3, 4])] })),
  c('clone', () => ({ fn: (x) => clone(x), inputs: [n([2, 3])] })),
  c('clone of a transposed input', () => ({ fn: (x) => clone(x), inputs: [transposedInput([2, 3])], strided: [0] })),
];

export const joinCases: readonly GradcheckCase[] = [
  c('concat three inputs along axis 1', () => ({
    fn: (a, b, d) => concat([a, b, d], 1),
    inputs: [n([2, 1]), n([2, 3]), n([2, 2])],
  })),
  c('concat along axis 0', () => ({ fn: (a, b) => concat([a, b], 0), inputs: [n([1, 3]), n([2, 3])] })),
  c('concat of one input used twice', () => ({ fn: (a) => concat([a, mul(a, 3)], -1), inputs: [n([2, 2])] })),
  c('concat of a transposed and a contiguous input', () => ({
    fn: (a, b) => concat([a, b], 0),
    inputs: [transposedInput([2, 3]), n([1, 3])],
    strided: [0],
  })),
  c('stack along a new axis 0', () => ({ fn: (a, b) => stack([a, b]), inputs: [n([2, 3]), n([2, 3])] })),
  c('stack along the last new axis', () => ({ fn: (a, b, d) => stack([a, b, d], -1), inputs: [n([2, 3]), n([2, 3]), n([2, 3])] })),
  c('split by sizes [1,3] along axis 1', () => ({ fn: (x) => joinPieces(split(x, [1, 3], 1)), inputs: [n([2, 4])] })),
  c('split by size 2 (last piece smaller)', () => ({ fn: (x) => joinPieces(split(x, 2)), inputs: [n([5, 2])] })),
  c('split keeping only one piece', () => ({ fn: (x) => split(x, 2, 1)[1]!, inputs: [n([2, 4])] })),
  c('chunk 5 into 3 (2, 2, 1)', () => ({ fn: (x) => joinPieces(chunk(x, 3)), inputs: [n([5, 2])] })),
  c('chunk along axis 1', () => ({ fn: (x) => joinPieces(chunk(x, 2, 1)), inputs: [n([2, 4])] })),
  c('pad the last axis', () => ({ fn: (x) => pad(x, [1, 2]), inputs: [n([2, 3])] })),
  c('pad the last two axes with a value', () => ({ fn: (x) => pad(x, [0, 1, 2, 1], 0.5), inputs: [n([2, 3])] })),
  c('pad of a transposed input', () => ({ fn: (x) => pad(x, [1, 1]), inputs: [transposedInput([2, 3])], strided: [0] })),
];

export const indexingCases: readonly GradcheckCase[] = [
  c('gather along axis 1 with repeated indices', () => {
    const indices = int32([
      [0, 0, 3],
      [2, 1, 2],
      [3, 3, 3],
    ]);
    return { fn: (x) => gather(x, 1, indices), inputs: [n([3, 4])] };
  }),
  c('gather along axis 0 with an index smaller than the input', () => {
    const indices = int32([
      [2, 0],
      [2, 2],
    ]);
    return { fn: (x) => gather(x, 0, indices), inputs: [n([3, 4])] };
  }),
  c('gather from a transposed input', () => {
    const indices = int32([
      [1, 0, 1],
      [2, 2, 0],
    ]);
    return { fn: (x) => gather(x, 1, indices), inputs: [transposedInput([2, 3])], strided: [0] };
  }),
  c('indexSelect rows with repeated indices', () => ({
    fn: (x) => indexSelect(x, 0, [2, 0, 2, 1, 2]),
    inputs: [n([3, 4])],
  })),
  c('indexSelect columns with an int32 tensor', () => {
    const indices = int32([3, 3, 0]);
    return { fn: (x) => indexSelect(x, 1, indices), inputs: [n([2, 4])] };
  }),
  c('indexSelect the middle axis of a 3-D input', () => ({
    fn: (x) => indexSelect(x, 1, [1, 1, 0]),
    inputs: [n([2, 2, 3])],
  })),
  c('indexSelect from a transposed input', () => ({
    fn: (x) => indexSelect(x, 0, [1, 0, 1]),
    inputs: [transposedInput([2, 3])],
    strided: [0],
  })),
  c('scatterAdd: src and input gradients, repeated indices', () => {
    const indices = int32([
      [0, 2, 0, 1],
      [2, 2, 1, 0],
    ]);
    return { fn: (x, src) => scatterAdd(x, 0, indices, src), inputs: [n([3, 4]), n([2, 4])] };
  }),
  c('scatterAdd along axis 1 with an index narrower than the input', () => {
    const indices = int32([
      [1, 1],
      [0, 3],
    ]);
    return { fn: (x, src) => scatterAdd(x, 1, indices, src), inputs: [n([3, 4]), n([2, 2])] };
  }),
  c('scatterAdd: src gradient alone', () => {
    const indices = int32([
      [0, 2, 0, 1],
      [2, 2, 1, 0],
    ]);
    const base = n([3, 4]);
    return { fn: (src) => scatterAdd(base, 0, indices, src), inputs: [n([2, 4])] };
  }),
];
