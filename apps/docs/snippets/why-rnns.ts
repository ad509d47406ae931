// Why RNNs: one set of weights reads sequences of any length, and the hidden state carries
// the history: feeding a sequence in two pieces, handing over h, gives the same final state.

// #region example
import { cpu } from '@recur/backend-cpu';
import { RNN } from '@recur/cells';
import { manualSeed, randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const rnn = new RNN({ inputSize: 3, hiddenSize: 5 }); // [T, B, I] in, [T, B, H] out
console.log(rnn.numParameters()); // 50: the same for 3 steps or 3,000

const short = randn([3, 1, 3]);
const long = randn([7, 1, 3]);
console.log(rnn.forward(short)[0].shape, rnn.forward(long)[0].shape); // [3, 1, 5] [7, 1, 5]

// All seven steps at once…
const [, hAll] = rnn.forward(long);
// …or the first four, then the last three starting from the state the first part left.
const [, hFirst] = rnn.forward(long.narrow(0, 0, 4));
const [, hLast] = rnn.forward(long.narrow(0, 4, 3), hFirst);
const difference = hAll.sub(hLast).abs().max().itemSync();
console.log(difference); // 0 (up to rounding): the state is the memory
// #endregion example
export { difference };
