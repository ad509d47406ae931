// Gradients of window views (narrow, slice, select): the upstream g plus where it belongs in
// the input. The engine adds it into the input's accumulated gradient in place, so an RNN scan
// that reads T slices of one projection costs O(T·slice) in backward, not O(T·whole).

import type { Tensor } from './tensor.js';
import { allocTensor, commonBackend, sameShape, viewOf } from './internal.js';
import { binaryKernel } from './ops/elementwise.js';

export class WindowGrad {
  constructor(
    /** The gradient of the window (the view's shape). */
    readonly values: Tensor,
    /** The shape of the tensor the window was cut from. */
    readonly shape: readonly number[],
    /** The same window cut from another tensor of `shape` (a view sharing its memory). */
    readonly window: (base: Tensor) => Tensor,
  ) {}

  /** Another handle on the same values (for a VJP that passes its input gradient through). */
  alias(): WindowGrad {
    return new WindowGrad(this.values.alias(), this.shape, this.window);
  }

  /** A dense gradient: zeros of `shape` with the values copied into the window. */
  materialize(): Tensor {
    const backend = commonBackend('windowGrad', this.values);
    const full = allocTensor(this.shape, this.values.dtype, backend);
    const target = this.window(full);
    backend.copy(viewOf(this.values), viewOf(target));
    target.dispose();
    this.values.dispose();
    return full;
  }

  /** Add the values into `accumulated`'s window in place (accumulated must own its memory). */
  addInto(accumulated: Tensor): void {
    const backend = commonBackend('windowGrad', this.values, accumulated);
    const target = this.window(accumulated);
    const sum = binaryKernel('add', target, this.values);
    backend.copy(viewOf(sum), viewOf(target));
    for (const t of [sum, target, this.values]) t.dispose();
  }
}

export type Gradient = Tensor | WindowGrad;

export const gradShape = (g: Gradient): readonly number[] => (g instanceof WindowGrad ? g.shape : g.shape);

export function toDense(g: Gradient): Tensor {
  return g instanceof WindowGrad ? g.materialize() : g;
}

/** previous + g, reusing previous's memory when it is the sole owner of a dense buffer. */
export function accumulate(previous: Tensor, g: Gradient): Tensor {
  if (g instanceof WindowGrad && previous.isDenseOwner && sameShape(previous.shape, g.shape)) {
    g.addInto(previous);
    return previous;
  }
  const dense = toDense(g);
  const sum = binaryKernel('add', previous, dense);
  previous.dispose();
  dense.dispose();
  return sum;
}
