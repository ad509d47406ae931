// Dropout between stacked recurrent layers (PyTorch's `dropout` option): inverted dropout on
// a layer's outputs in training mode, identity otherwise. p is the drop probability.

import { rand, type Tensor } from '@recur/tensor';

export function dropoutBetweenLayers(x: Tensor, p: number, training: boolean): Tensor {
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = rand(x.shape, { backend: x.liveStorage('dropout').backend }).ge(p);
  return x.mul(keep.toDType('float32')).div(1 - p);
}
