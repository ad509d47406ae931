// A stateful stream over an LSTM: state carried between calls, chunks equal one call on the
// whole sequence, many users as rows of one batch, one row reset, the state saved and restored.

// #region example
import { cpu } from '@recur/backend-cpu';
import { LSTM, RecurrentStream } from '@recur/cells';
import { concat, manualSeed, narrow, randn, registerBackend, useBackend } from '@recur/tensor';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const lstm = new LSTM({ inputSize: 4, hiddenSize: 8 });
const x = randn([10, 3, 4]); // 10 steps, 3 streams (users), 4 features

const [whole] = lstm.forward(x); // one call over all 10 steps
const stream = new RecurrentStream(lstm, { batchSize: 3 }); // (h, c) start at zeros, one row per user
const first = stream.forward(narrow(x, 0, 0, 6)); // 6 steps arrive…
const rest = stream.forward(narrow(x, 0, 6, 4)); // …then 4 more; the state was carried
const chunked = concat([first, rest], 0);
const sameAsWhole = chunked.dataSync().every((v, i) => v === whole.dataSync()[i]); // bit for bit on the CPU

const saved = await stream.saveState({ session: 'demo' }); // safetensors bytes: store them anywhere
stream.reset([1]); // user 1 starts over; users 0 and 2 keep their state
const restarted = new RecurrentStream(lstm); // e.g. after a server restart
const metadata = restarted.loadState(saved); // { session: 'demo' }, 3 rows back
const next = randn([1, 3, 4]);
const afterRestore = restarted.step(next.squeeze(0)); // one step [3, 4] → [3, 8]
console.log(sameAsWhole, metadata, afterRestore.shape); // true { session: 'demo' } [3, 8]
// #endregion example
export { sameAsWhole, metadata };
export const afterRestoreShape = afterRestore.shape;
