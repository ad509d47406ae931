// The same packages seen from a CommonJS TypeScript file under node16: these imports compile to
// require(), so they must resolve the `require` conditions and their .d.cts declarations.
import { randn, type Tensor } from '@recur/tensor';
import { writeFileAtomic } from '@recur/tensor/node';
import { cpu } from '@recur/backend-cpu';
import { GRU } from '@recur/cells';
import { SGD } from '@recur/optim';
import { loadCheckpoint } from '@recur/optim/node';
import { readJsonl } from '@recur/datasets/node';

export function consumerCjs(): Tensor {
  void cpu;
  void writeFileAtomic;
  void loadCheckpoint;
  void readJsonl;
  const gru = new GRU({ inputSize: 2, hiddenSize: 4 });
  void new SGD(gru.parameters(), { lr: 0.1 });
  // @ts-expect-error GRU wants an options object
  void new GRU(2, 4);
  return gru.forward(randn([3, 1, 2]))[0];
}
