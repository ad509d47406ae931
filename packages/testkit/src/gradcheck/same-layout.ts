// Rebuilds a tensor from host values in the axis order of a template's memory, so the perturbed
// evaluations of a gradient check run on the same strided layout (e.g. a transposed input stays
// transposed) as the analytic pass. `values` are the template's elements in row-major order.

import { fromTypedArray, permute, type Tensor } from '@recur/tensor';

/**
 * A tensor equal to `values` (logical row-major order, shape of `template`) whose storage walks
 * the axes in the template's stride order. Views with gaps or stride 0 become dense, since a
 * single perturbed element has no meaning in memory that several logical elements share.
 */
export function withTemplateLayout(template: Tensor, values: Float32Array<ArrayBuffer>): Tensor {
  const backend = template.backend;
  if (template.isContiguous) return fromTypedArray(values, template.shape, { backend });
  const rank = template.rank;
  // Axes from outermost to innermost in memory; ties keep logical order so the result is stable.
  const order = Array.from({ length: rank }, (_, axis) => axis).sort((a, b) => template.strides[b]! - template.strides[a]! || a - b);
  const storedShape = order.map((axis) => template.shape[axis]!);
  const logicalStrides = new Array<number>(rank);
  for (let axis = rank - 1, stride = 1; axis >= 0; axis--) {
    logicalStrides[axis] = stride;
    stride *= template.shape[axis]!;
  }
  const stored = new Float32Array(values.length);
  const position = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let source = 0;
    for (let k = 0; k < rank; k++) source += position[k]! * logicalStrides[order[k]!]!;
    stored[flat] = values[source]!;
    // Advance the multi-index over storedShape, last axis fastest.
    for (let k = rank - 1; k >= 0; k--) {
      if (++position[k]! < storedShape[k]!) break;
      position[k] = 0;
    }
  }
  const dense = fromTypedArray(stored, storedShape, { backend });
  const inverse = new Array<number>(rank);
  order.forEach((axis, k) => (inverse[axis] = k));
  return permute(dense, inverse);
}
