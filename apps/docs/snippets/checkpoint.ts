// Checkpoints: model, optimizer and scheduler state plus the random stream in one safetensors
// file, so training resumes exactly. Model tensors keep PyTorch's keys, so PyTorch can read
// the weights with load_state_dict(strict=False).

// #region example
import { cpu } from '@recur/backend-cpu';
import { GRU } from '@recur/cells';
import { Adam, StepLR, decodeCheckpoint, encodeCheckpoint } from '@recur/optim';
import { registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

const model = new GRU({ inputSize: 4, hiddenSize: 8 });
const optimizer = new Adam(model.parameters(), { lr: 0.001 });
const scheduler = new StepLR(optimizer, { stepSize: 5, gamma: 0.1 });

const bytes = await encodeCheckpoint({ model, optimizer, scheduler, extra: { epoch: 3 } });
// In Node, saveCheckpoint(path, parts) from '@recur/optim/node' writes it atomically.

const restored = new GRU({ inputSize: 4, hiddenSize: 8 });
const restoredOptimizer = new Adam(restored.parameters(), { lr: 0.001 });
const restoredScheduler = new StepLR(restoredOptimizer, { stepSize: 5, gamma: 0.1 });
const extra = decodeCheckpoint(bytes, { model: restored, optimizer: restoredOptimizer, scheduler: restoredScheduler });
console.log(extra); // { epoch: 3 }
// #endregion example
export { extra };
