// Parameter: a leaf tensor that requires grad, lives outside every scope, and is what a
// Module registers and an optimizer updates (PyTorch's nn.Parameter).

import { DTypeError, Tensor, keep } from '@recur/tensor';

export class Parameter extends Tensor {
  /**
   * Wrap `data` (float32). The parameter takes over data's memory: the `data` handle is
   * disposed, so `new Parameter(zeros([3, 4]))` leaks nothing.
   */
  constructor(data: Tensor, options: { requiresGrad?: boolean } = {}) {
    if (data.dtype !== 'float32') throw new DTypeError(`Parameter: expected float32 data; got ${data.dtype}`);
    const dense = data.isContiguous ? data : data.contiguous();
    super(dense.liveStorage('Parameter').retain(), dense.shape, dense.strides, dense.offset);
    if (dense !== data) dense.dispose();
    data.dispose();
    keep(this);
    this.requiresGrad = options.requiresGrad ?? true;
  }
}
