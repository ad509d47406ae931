// Moving weights from PyTorch: save the state dict as safetensors in Python, parse the bytes
// here and load them under the same keys. Here a Recur model writes the bytes, standing in
// for the Python side (`safetensors.torch.save_file(model.state_dict(), "lstm.safetensors")`).

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM } from '@recur/cells';
import { manualSeed, parseSafetensors, randn, registerBackend, serializeSafetensors, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

// nn.LSTM(8, 16, num_layers=2, bidirectional=True, batch_first=True) in PyTorch is:
const trained = new LSTM({ inputSize: 8, hiddenSize: 16, numLayers: 2, bidirectional: true, batchFirst: true });
const bytes = await serializeSafetensors(trained.stateDict()); // what the .safetensors file holds

const { tensors } = parseSafetensors(bytes); // in Node: new Uint8Array(await readFile(path))
console.log(Object.keys(tensors).slice(0, 4)); // bias_hh_l0, bias_hh_l0_reverse, bias_ih_l0, bias_ih_l0_reverse
const model = new LSTM({ inputSize: 8, hiddenSize: 16, numLayers: 2, bidirectional: true, batchFirst: true });
const { missingKeys, unexpectedKeys } = model.loadStateDict(tensors); // strict: any mismatch throws

const x = randn([3, 5, 8]);
const same = model.forward(x)[0].sub(trained.forward(x)[0]).abs().max().itemSync();
console.log(missingKeys, unexpectedKeys, same); // [] [] 0
// #endregion example
export { same };
