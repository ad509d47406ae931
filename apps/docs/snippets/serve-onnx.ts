// Serving many users: export the model to ONNX and run it in ONNX Runtime (here onnxruntime-node;
// onnxruntime-web in browsers, or any ONNX engine on a server), batching requests as it likes.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTMModel } from '@recur/cells';
import { exportOnnx } from '@recur/export';
import { manualSeed, randn, registerBackend, useBackend } from '@recur/tensor';
import * as ort from 'onnxruntime-node';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const model = new LSTMModel({ inputSize: 8, hiddenSize: 32, outputSize: 3, numLayers: 2 });
model.eval();
// Strings name dynamic axes: any sequence length and batch size at run time.
const bytes = await exportOnnx(model, { inputs: [{ name: 'x', shape: ['time', 'batch', 8] }], outputNames: ['logits'] });
// await writeFile('model.onnx', bytes) — or `recur export <checkpoint> --format onnx --out model.onnx`

const session = await ort.InferenceSession.create(bytes);
const x = randn([12, 5, 8]); // 5 requests of 12 steps each, in one batch
const { logits } = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x.dataSync()), [12, 5, 8]) });
const expected = model.forward(x).dataSync();
const difference = Math.max(...Array.from(logits!.data as Float32Array, (v, i) => Math.abs(v - expected[i]!)));
console.log(logits!.dims, difference); // [5, 3], below 1e-5
await session.release();
// #endregion example
export { bytes, difference };
