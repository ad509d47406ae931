// Variable-length batches: pad, pack (enforceSorted false keeps your order), run the LSTM on
// the packed batch so padded steps are never computed, and unpack. T steps, B batch.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM } from '@recur/cells';
import { packPaddedSequence, padPackedSequence, padSequence } from '@recur/sequence';
import { randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');

// Three sequences of 2, 5 and 3 steps with 4 features each.
const sequences = [randn([2, 4]), randn([5, 4]), randn([3, 4])];
const lengths = [2, 5, 3];
const inputs = padSequence(sequences, { batchFirst: true }); // [3, 5, 4], zeros after each end

const lstm = new LSTM({ inputSize: 4, hiddenSize: 6, batchFirst: true });
const packed = packPaddedSequence(inputs, lengths, { batchFirst: true, enforceSorted: false });
const [packedOutput, [hN]] = lstm.forward(packed);
const [output, outputLengths] = padPackedSequence(packedOutput, { batchFirst: true });

console.log([...packed.batchSizes]); // [3, 3, 2, 1, 1]: sequences still running at each step
console.log(output.shape, outputLengths.toArraySync()); // [3, 5, 6] [2, 5, 3]
console.log(hN.shape); // [1, 3, 6]: each sequence's state at its own last step, in your order
// #endregion example
export const paddedShape = output.shape;
