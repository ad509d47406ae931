// A remedy for badly scaled activations: the layer-norm LSTM (PyTorch's benchmark cell). Each
// gate pre-activation is normalised over its H units, so the cell reads inputs 100× larger almost
// as it reads the originals, where a plain LSTM's gates saturate. B batch, T steps, I inputs.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM, LayerNormLSTM } from '@recur/cells';
import { manualSeed, noGrad, randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const x = randn([2, 20, 8]); // [B, T, I]
const plain = new LSTM({ inputSize: 8, hiddenSize: 16, batchFirst: true });
const normed = new LayerNormLSTM({ inputSize: 8, hiddenSize: 16, batchFirst: true });

/** Largest change of any output when the input is scaled by 100. */
const scaleSensitivity = (model: LSTM | LayerNormLSTM) =>
  noGrad(() =>
    model
      .forward(x)[0]
      .sub(model.forward(x.mul(100))[0])
      .abs()
      .max()
      .itemSync(),
  );

const plainChange = scaleSensitivity(plain);
const normedChange = scaleSensitivity(normed);
console.log(plainChange, normedChange); // ~1 against ~1e-5
console.log(Object.keys(normed.stateDict())); // weight_ih, weight_hh, layernorm_{i,h,c}.{weight,bias}
// #endregion example
export { normedChange, plainChange };
