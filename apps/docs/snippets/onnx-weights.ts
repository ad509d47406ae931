// Training big in PyTorch, serving in Recur: export the trained model with torch.onnx.export and
// load its weights into the same Recur model. Here a Recur export stands in for the Python side:
//   torch.onnx.export(model, (x,), "model.onnx", input_names=["x"], dynamic_axes={"x": {0: "T", 1: "B"}})

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTMModel } from '@recur/cells';
import { exportOnnx, importOnnxWeights } from '@recur/export';
import { manualSeed, randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const options = { inputSize: 8, hiddenSize: 32, outputSize: 3, numLayers: 2 };
const trained = new LSTMModel(options); // in practice: nn.LSTM + nn.Linear trained in PyTorch
const file = await exportOnnx(trained, { inputs: [{ name: 'x', shape: ['T', 'B', 8] }] }); // new Uint8Array(await readFile('model.onnx'))

const model = new LSTMModel(options);
importOnnxWeights(model, file); // LSTM gates reordered back from ONNX's i o f c; strict: every weight must be found
const x = randn([6, 2, 8]);
const difference = model.forward(x).sub(trained.forward(x)).abs().max().itemSync();
console.log(difference); // 0
// #endregion example
export { difference };
