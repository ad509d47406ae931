// A model of your own: subclass Module, register the layers (their parameters get PyTorch's
// dotted state-dict keys) and write forward(). This is the seed's RNN classifier.

// #region example
import { cpu } from '@recur/backend-cpu';
import { Linear, Module, RNN } from '@recur/cells';
import { randn, registerBackend, useBackend, zeros, type Tensor } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

class RNNClassifier extends Module {
  readonly rnn: RNN;
  readonly fc: Linear;

  constructor(inputSize: number, hiddenSize: number, outputSize: number) {
    super();
    this.rnn = this.registerModule('rnn', new RNN({ inputSize, hiddenSize, batchFirst: true }));
    this.fc = this.registerModule('fc', new Linear({ inFeatures: hiddenSize, outFeatures: outputSize }));
  }

  /** x [B, T, I] → [B, outputSize], read from the last time step only. */
  forward(x: Tensor): Tensor {
    const h0 = zeros([1, x.shape[0]!, this.rnn.hiddenSize]);
    const [out] = this.rnn.forward(x, h0);
    return this.fc.forward(out.select(1, -1));
  }
}

const model = new RNNClassifier(10, 20, 2);
console.log(model.forward(randn([8, 15, 10])).shape); // [8, 2]
console.log(Object.keys(model.stateDict())); // rnn.weight_ih_l0, rnn.weight_hh_l0, …, fc.weight, fc.bias
// #endregion example
export const keys = Object.keys(model.stateDict());
