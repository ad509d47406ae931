// Sequential (torch.nn.Sequential): modules applied in order, y = f_{n-1}(… f_1(f_0(x))).
// Children are named '0', '1', … so state-dict keys read `0.weight`, `2.bias` as in PyTorch.

import { IndexError, scope, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';

/** A module Sequential can chain: one tensor in, one tensor out. */
export type SequentialLayer = Module & { forward(input: Tensor): Tensor };

export class Sequential extends Module implements Iterable<SequentialLayer> {
  private readonly layers: SequentialLayer[] = [];

  constructor(...modules: SequentialLayer[]) {
    super();
    for (const module of modules) this.append(module);
  }

  /** Add a module at the end, named by its position. */
  append(module: SequentialLayer): this {
    this.registerModule(String(this.layers.length), module);
    this.layers.push(module);
    return this;
  }

  get length(): number {
    return this.layers.length;
  }

  /** The module at `index`; negative counts from the end. */
  at(index: number): SequentialLayer {
    const n = this.layers.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new IndexError(`Sequential: index ${index} out of range for ${n} modules (expected ${-n}..${n - 1})`);
    }
    return this.layers[index < 0 ? index + n : index]!;
  }

  [Symbol.iterator](): Iterator<SequentialLayer> {
    return this.layers[Symbol.iterator]();
  }

  forward(input: Tensor): Tensor {
    // The scope frees each intermediate activation once the next module has consumed it.
    return scope(() => this.layers.reduce((x, layer) => layer.forward(x), input));
  }
}
