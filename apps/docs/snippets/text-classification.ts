// Text classification from the seed: lower-cased words to ids with <PAD> = 0 and <UNK> = 1,
// padded batches from a DataLoader, and an Embedding + LSTM classifier on the last real step.

// #region example
import { cpu } from '@recur/backend-cpu';
import { Embedding, LSTM, Linear, Module, crossEntropy } from '@recur/cells';
import { ArrayDataset, DataLoader, padCollate } from '@recur/datasets';
import { Adam } from '@recur/optim';
import { packPaddedSequence } from '@recur/sequence';
import { manualSeed, registerBackend, scope, useBackend, type Tensor } from '@recur/tensor';
import { Vocab, WordTokenizer } from '@recur/tokenizers';

registerBackend(cpu());
await useBackend('cpu');
manualSeed(0);

const texts = ['I love this movie', 'This is a bad film', 'what a great film', 'I hate this boring movie'];
const labels = [1, 0, 1, 0];
const words = new WordTokenizer({ lowercase: true });
const vocab = Vocab.build(texts.map((text) => words.tokenize(text))); // <PAD> 0, <UNK> 1, then by frequency
console.log(vocab.encode(words.tokenize('I love this awful film'))); // [3, 7, 2, 1, 6]: 'awful' is <UNK>

class TextClassifier extends Module {
  readonly embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: vocab.size, embeddingDim: 16, paddingIdx: 0 }));
  readonly lstm = this.registerModule('lstm', new LSTM({ inputSize: 16, hiddenSize: 32, batchFirst: true }));
  readonly fc = this.registerModule('fc', new Linear({ inFeatures: 32, outFeatures: 2 }));

  forward(ids: Tensor, lengths: Int32Array): Tensor {
    const packed = packPaddedSequence(this.embedding.forward(ids), lengths, { batchFirst: true, enforceSorted: false });
    const [, [hN]] = this.lstm.forward(packed);
    return this.fc.forward(hN.select(0, -1)); // each text's state after its own last word
  }
}

const records = texts.map((text, i) => ({ input: vocab.encode(words.tokenize(text)), target: labels[i]! }));
const loader = new DataLoader(new ArrayDataset(records), { batchSize: 2, shuffle: true, seed: 1, collate: padCollate() });
const model = new TextClassifier();
const optimizer = new Adam(model.parameters(), { lr: 0.01 });

let lastLoss = Infinity;
for (let epoch = 0; epoch < 30; epoch++) {
  for (const { inputs, lengths, mask, targets } of loader) {
    optimizer.zeroGrad();
    lastLoss = scope(() => {
      const loss = crossEntropy(model.forward(inputs, lengths), targets);
      loss.backward();
      return loss.itemSync(); // a number leaves the scope; every tensor made inside is freed
    });
    optimizer.step();
    for (const t of [inputs, mask, targets]) t.dispose(); // a collate's tensors belong to you
  }
}
console.log(lastLoss.toFixed(4)); // close to 0 on these four sentences
// #endregion example
export { lastLoss };
