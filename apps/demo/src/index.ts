// `pnpm demo`: train the seed's vanilla RNN on a sine wave with Recur's autograd on the CPU
// backend, printing the falling loss.

import { cpu } from '@recur/backend-cpu';
import { manualSeed, registerBackend, useBackend } from '@recur/tensor';
import { trainSineRnn } from './sine-rnn.js';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

console.log('Recur demo: vanilla RNN (hidden 16, lookback 10) learning the next value of a sine wave');
const started = performance.now();
const losses = trainSineRnn({}, (epoch, loss) => {
  if (epoch % 10 === 0) console.log(`epoch ${String(epoch).padStart(3)}  loss ${loss.toFixed(6)}`);
});
const last = losses[losses.length - 1]!;
console.log(`epoch ${String(losses.length - 1).padStart(3)}  loss ${last.toFixed(6)}`);
console.log(`loss fell from ${losses[0]!.toFixed(4)} to ${last.toFixed(4)} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
