// Type-checked (never run) under moduleResolution node16, node10 and bundler with skipLibCheck
// off: the packages' declarations, their subpaths and their dependencies must all resolve. The
// expect-error lines below fail the check if a package's types were missing (everything `any`).
import { manualSeed, randn, registerBackend, type Tensor } from '@recur/tensor';
import { writeFileAtomic } from '@recur/tensor/node';
import { cpu, createCpuBackend } from '@recur/backend-cpu';
import { LSTM, Linear, mseLoss } from '@recur/cells';
import { Adam, StepLR } from '@recur/optim';
import { saveCheckpoint } from '@recur/optim/node';
import { DataLoader } from '@recur/datasets';
import { readCsv } from '@recur/datasets/node';
import { loadBirths, type BirthsRecord } from '@recur/datasets/corpora/births';

export async function consumer(): Promise<number> {
  registerBackend(cpu());
  manualSeed(0);
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 8 });
  const head = new Linear({ inFeatures: 8, outFeatures: 1 });
  const optimizer = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
  const scheduler = new StepLR(optimizer, { stepSize: 5, gamma: 0.1 });
  const [output] = lstm.forward(randn([5, 4, 3]));
  const loss: Tensor = mseLoss(head.forward(output.select(0, -1)), randn([4, 1]));
  loss.backward();
  optimizer.step();
  scheduler.step();
  await saveCheckpoint('model.ckpt', { model: lstm, optimizer });
  await writeFileAtomic('note.txt', 'ok');
  for await (const row of readCsv({ text: 'a\n1\n' })) void row;
  const records: BirthsRecord[] = (await loadBirths()).train;
  void DataLoader;
  void createCpuBackend;
  // @ts-expect-error hiddenSize is a number
  void new LSTM({ inputSize: 3, hiddenSize: 'eight' });
  // @ts-expect-error tensors have no `nonsense` method
  loss.nonsense();
  return records.length + loss.itemSync();
}
