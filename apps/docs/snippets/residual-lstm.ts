// A remedy for vanishing gradients in deep stacks: residual connections. Each LSTM layer adds
// its input to its output, so the gradient has a short path to the bottom layers.
// B batch, T steps, H hidden (equal for every layer, so the sum is defined).

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM, Module } from '@recur/cells';
import { randn, registerBackend, useBackend, type Tensor } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

class ResidualLSTM extends Module {
  readonly layers: LSTM[] = [];

  constructor(hiddenSize: number, numLayers: number) {
    super();
    for (let l = 0; l < numLayers; l++) {
      this.layers.push(this.registerModule(`layer${l}`, new LSTM({ inputSize: hiddenSize, hiddenSize, batchFirst: true })));
    }
  }

  /** x [B, T, H] → [B, T, H]: x + LSTM(x), layer after layer. */
  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = h.add(layer.forward(h)[0]);
    return h;
  }
}

const model = new ResidualLSTM(32, 6);
const x = randn([2, 20, 32], { requiresGrad: true });
model.forward(x).sum().backward();
const firstLayerGrad = model.layers[0]!.stateDict().weight_ih_l0!.grad!.abs().mean().itemSync();
console.log(firstLayerGrad > 0); // true: the bottom layer still learns six layers down
// #endregion example
export { firstLayerGrad };
