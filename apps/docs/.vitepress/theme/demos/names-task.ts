// Demo 2: a character-level name classifier. Names become character ids (CharTokenizer + Vocab,
// <PAD> = 0), an Embedding feeds a GRU over a packed batch so padding costs nothing, and a
// Linear head reads the last hidden state. B batch, T longest name, E embedding, H hidden.

import { Embedding, GRU, Linear, Module, crossEntropy } from '@recur/cells';
import { ArrayDataset, DataLoader, padCollate } from '@recur/datasets';
import { accuracyScore } from '@recur/metrics';
import { Adam } from '@recur/optim';
import { packPaddedSequence } from '@recur/sequence';
import { fromTypedArray, manualSeed, noGrad, scope, type Tensor } from '@recur/tensor';
import { CharTokenizer, Vocab } from '@recur/tokenizers';
import type { WorkerFitSetup } from '@recur/train';
import type { NamesExcerpt, NamesSettings } from './protocol.js';

import { NAMES_VALIDATION } from './names-settings.js';

export { NAMES_DEFAULTS, NAMES_VALIDATION } from './names-settings.js';

export interface NameClassifierOptions {
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numClasses: number;
}

export class NameClassifier extends Module {
  readonly embedding: Embedding;
  readonly gru: GRU;
  readonly fc: Linear;

  constructor(options: NameClassifierOptions) {
    super();
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({ numEmbeddings: options.vocabSize, embeddingDim: options.embeddingDim, paddingIdx: 0 }),
    );
    this.gru = this.registerModule('gru', new GRU({ inputSize: options.embeddingDim, hiddenSize: options.hiddenSize, batchFirst: true }));
    this.fc = this.registerModule('fc', new Linear({ inFeatures: options.hiddenSize, outFeatures: options.numClasses }));
  }

  /** ids int32 [B, T] with each name's length → logits [B, numClasses]. */
  forward(ids: Tensor, lengths: ArrayLike<number>): Tensor {
    return scope(() => {
      const packed = packPaddedSequence(this.embedding.forward(ids), Array.from(lengths), { batchFirst: true, enforceSorted: false });
      const [, hN] = this.gru.forward(packed);
      return this.fc.forward(hN.select(0, -1));
    });
  }
}

export interface NameRecord {
  readonly input: Int32Array;
  readonly target: number;
}

/** A trained classifier with what it needs to read a new name. */
export interface NamesModel {
  readonly model: NameClassifier;
  readonly vocab: Vocab;
  readonly classes: readonly string[];
}

const chars = new CharTokenizer();
const encode = (vocab: Vocab, name: string) => vocab.encode(chars.tokenize(name.toLowerCase()));

/**
 * The classifier's fit: what the demo worker's serveFit task returns (and the tests run in this
 * thread). Batches are records, padded into tensors inside the loss so fit frees them with the
 * step; validation accuracy is logged as `accuracy`. `trained` is ready once fit has ended.
 */
export function namesFit(
  data: NamesExcerpt,
  settings: NamesSettings,
  seed = 0,
): { readonly setup: WorkerFitSetup<NameClassifier, NameRecord[]>; readonly trained: NamesModel } {
  manualSeed(seed);
  const vocab = Vocab.build(data.train.map(([name]) => chars.tokenize(name.toLowerCase())));
  const records = (pairs: NamesExcerpt['train']): NameRecord[] => pairs.map(([name, target]) => ({ input: encode(vocab, name), target }));
  const loader = new DataLoader(new ArrayDataset(records(data.train)), { batchSize: settings.batchSize, shuffle: true, seed });
  const validation = records(data.validation);
  const model = new NameClassifier({
    vocabSize: vocab.size,
    embeddingDim: settings.embeddingDim,
    hiddenSize: settings.hiddenSize,
    numClasses: data.classes.length,
  });
  const optimizer = new Adam(model.parameters(), { lr: settings.lr });
  const collate = padCollate();
  const setup: WorkerFitSetup<NameClassifier, NameRecord[]> = {
    model,
    train: loader,
    loss: (m, batch) => {
      const padded = collate(batch);
      return crossEntropy(m.forward(padded.inputs, padded.lengths), padded.targets);
    },
    optimizer,
    epochs: settings.epochs,
    clipGradNorm: 1,
    validate: async (m) => ({ [NAMES_VALIDATION]: await evaluate(m, validation, settings.batchSize) }),
    callbacks: [{ onTrainEnd: () => optimizer.dispose() }],
  };
  return { setup, trained: { model, vocab, classes: data.classes } };
}

/** Accuracy of the arg-max class over `records`, in batches, without gradients. */
export async function evaluate(model: NameClassifier, records: readonly NameRecord[], batchSize: number): Promise<number> {
  const collate = padCollate();
  const predicted: number[] = [];
  model.eval();
  for (let first = 0; first < records.length; first += batchSize) {
    const batch = collate(records.slice(first, first + batchSize));
    const classes = noGrad(() => scope(() => model.forward(batch.inputs, batch.lengths).argmax({ axis: -1 })));
    for (const t of [batch.inputs, batch.mask, batch.targets]) t.dispose();
    predicted.push(...Array.from(await classes.data(), Number));
    classes.dispose();
  }
  model.train();
  return accuracyScore(
    records.map((record) => record.target),
    predicted,
  );
}

/** Class probabilities for one typed name. */
export async function classifyName(trained: NamesModel, name: string): Promise<number[]> {
  const ids = encode(trained.vocab, name.trim() || '?');
  trained.model.eval();
  const probabilities = noGrad(() =>
    scope(() => trained.model.forward(fromTypedArray(Int32Array.from(ids), [1, ids.length]), [ids.length]).softmax(-1)),
  );
  const values = Array.from(await probabilities.data());
  probabilities.dispose();
  return values;
}
