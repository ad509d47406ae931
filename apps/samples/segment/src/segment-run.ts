// A segment run: the character BiLSTM tagger (SequenceTagger from @recur/cells: Embedding →
// packed bidirectional LSTM → Linear per step), the encoded splits and the vocabulary. Trains
// with @recur/train's fit; scores words as chunks (chunk F1) against the per-character rule.

import { SequenceTagger, crossEntropy } from '@recur/cells';
import { ArrayDataset, DataLoader } from '@recur/datasets';
import { exportOnnx } from '@recur/export';
import { chunkF1 } from '@recur/metrics';
import { Adam } from '@recur/optim';
import {
  InputError,
  taskBatches,
  type Evaluation,
  type Metrics,
  type OnnxExample,
  type Prediction,
  type TaskRun,
  type TrainContext,
} from '@recur/sample-core';
import { fromTypedArray, noGrad, scope, type Tensor } from '@recur/tensor';
import { fit, type FitResult } from '@recur/train';
import type { SegmentConfig } from './segment-config.js';
import { TAG_BEGIN, bioTags, taggedExamples, unigramRule, type SegmentVocab, type TaggedText } from './segment-data.js';

export interface SegmentExample extends TaggedText {
  readonly ids: Int32Array;
}

export interface SegmentSplits {
  readonly train: readonly SegmentExample[];
  readonly validation: readonly SegmentExample[];
  readonly test: readonly SegmentExample[];
}

interface Batch {
  readonly inputs: Tensor;
  readonly targets: Tensor;
  readonly lengths: number[];
}

const EVAL_BATCH = 128;
/** Padding's target: crossEntropy skips it. */
const IGNORE = -100;
const PREDICT_EXAMPLE = 'CallmeIshmael.Someyearsago—nevermindhowlongprecisely—havinglittleornomoneyinmypurse';

function collate(examples: readonly SegmentExample[]): Batch {
  const steps = Math.max(1, ...examples.map((e) => e.ids.length));
  const inputs = new Int32Array(examples.length * steps);
  const targets = new Int32Array(examples.length * steps).fill(IGNORE);
  examples.forEach((e, b) => {
    inputs.set(e.ids, b * steps);
    e.tags.forEach((t, i) => (targets[b * steps + i] = t));
  });
  return {
    inputs: fromTypedArray(inputs, [examples.length, steps]),
    targets: fromTypedArray(targets, [examples.length * steps]),
    lengths: examples.map((e) => e.ids.length),
  };
}

const disposeBatch = (batch: Batch) => [batch.inputs, batch.targets].forEach((t) => t.dispose());

/** Chunk precision, recall and F1 (micro, every word a chunk of type W). */
export function segmentMetrics(truth: readonly ArrayLike<number>[], predicted: readonly ArrayLike<number>[]): Metrics {
  const { micro } = chunkF1(truth.map(bioTags), predicted.map(bioTags));
  return { f1: micro.f1, precision: micro.precision, recall: micro.recall };
}

export class SegmentRun implements TaskRun {
  readonly model: SequenceTagger;

  constructor(
    readonly config: SegmentConfig,
    readonly splits: SegmentSplits,
    readonly vocab: SegmentVocab,
  ) {
    this.model = new SequenceTagger({
      vocabSize: vocab.size,
      embeddingDim: config.embeddingDim,
      hiddenSize: config.hiddenSize,
      numClasses: 2,
      numLayers: config.numLayers,
      paddingIdx: 0,
    });
  }

  get trainSize(): number {
    return this.splits.train.length;
  }

  state() {
    return this.vocab.toJSON();
  }

  async train(context: TrainContext): Promise<FitResult> {
    const { config, model, splits } = this;
    const optimizer = new Adam(model.parameters(), { lr: config.lr });
    const loader = new DataLoader(new ArrayDataset([...splits.train]), {
      batchSize: config.batchSize,
      shuffle: true,
      seed: config.seed,
      bucketBy: (e) => e.ids.length,
    });
    const data = taskBatches({
      plan: (epoch) => loader.batchIndices(epoch),
      make: (indices) => collate(indices.map((i) => splits.train[i]!)),
      dispose: disposeBatch,
    });
    try {
      return await fit(model, {
        train: data,
        batchSize: data.size,
        loss: (m, batch) => crossEntropy(m.forward(batch.inputs, batch.lengths).reshape([-1, 2]), batch.targets, { ignoreIndex: IGNORE }),
        optimizer,
        epochs: config.epochs,
        ...(config.clipNorm > 0 ? { clipGradNorm: config.clipNorm } : {}),
        signal: context.signal,
        validate: async () => {
          const scored = await this.tag(splits.validation);
          const metrics = segmentMetrics(
            splits.validation.map((e) => e.tags),
            scored.tags,
          );
          return { valLoss: scored.loss, ...metrics };
        },
        callbacks: context.callbacks({ batches: data.count }),
      });
    } finally {
      optimizer.dispose();
    }
  }

  /** The model's forward arguments (character ids, lengths) for the test split's first batch. */
  summaryInput(): unknown[] {
    const batch = collate(this.splits.test.slice(0, this.config.batchSize));
    batch.targets.dispose();
    return [batch.inputs, batch.lengths];
  }

  /** Predicted tags of each example, and the mean cross-entropy per character. */
  async tag(examples: readonly SegmentExample[]): Promise<{ tags: Uint8Array[]; loss: number }> {
    const tags: Uint8Array[] = [];
    let lossSum = 0;
    let count = 0;
    this.model.eval();
    for (let from = 0; from < examples.length; from += EVAL_BATCH) {
      const slice = examples.slice(from, from + EVAL_BATCH);
      const batch = collate(slice);
      const logits = noGrad(() => scope(() => this.model.forward(batch.inputs, batch.lengths)));
      const values = await logits.data();
      const steps = batch.inputs.shape[1]!;
      logits.dispose();
      disposeBatch(batch);
      slice.forEach((e, b) => {
        const predicted = new Uint8Array(e.ids.length);
        for (let i = 0; i < e.ids.length; i++) {
          const [inside, begin] = [values[2 * (b * steps + i)]!, values[2 * (b * steps + i) + 1]!];
          predicted[i] = begin > inside ? TAG_BEGIN : 0;
          const top = Math.max(inside, begin);
          const logSum = top + Math.log(Math.exp(inside - top) + Math.exp(begin - top));
          lossSum += logSum - (e.tags[i] === TAG_BEGIN ? begin : inside);
        }
        count += e.ids.length;
        tags.push(predicted);
      });
    }
    return { tags, loss: lossSum / Math.max(1, count) };
  }

  async evaluate(): Promise<Evaluation> {
    const { test, train } = this.splits;
    const scored = await this.tag(test);
    const rule = unigramRule(train);
    const truth = test.map((e) => e.tags);
    return {
      metrics: segmentMetrics(truth, scored.tags),
      baseline: segmentMetrics(
        truth,
        test.map((e) => rule(e.text)),
      ),
      baselineName: 'per-character rule (a character begins a word if it mostly does in training; the first always does)',
      higherIsBetter: { f1: true, precision: true, recall: true },
    };
  }

  /** The model as ONNX (token ids and lengths: the packed forward) with the test split's first two texts as its example. */
  async exportOnnx(): Promise<OnnxExample> {
    const batch = collate(this.splits.test.slice(0, 2));
    batch.targets.dispose();
    const lengths = fromTypedArray(Int32Array.from(batch.lengths), [batch.lengths.length]);
    this.model.eval();
    const logits = noGrad(() => this.model.forward(batch.inputs, batch.lengths));
    const onnx = await exportOnnx(this.model, {
      inputs: [
        { name: 'tokens', shape: ['batch', 'sequence'], dtype: 'int32' },
        { name: 'lengths', shape: ['batch'], dtype: 'int32' },
      ],
      outputNames: ['logits'],
    });
    return { onnx, inputs: { tokens: batch.inputs, lengths }, outputs: { logits } };
  }

  async predict(input: string | null): Promise<Prediction> {
    const text = Array.from((input ?? PREDICT_EXAMPLE).replace(/\s+/gu, '')).join('');
    if (text.length === 0) throw new InputError('input: give text to segment (spaces are ignored), or - to read it from standard input');
    // Long input is tagged in maxLen pieces, as the model was trained; cuts may split a word.
    const chars = Array.from(text);
    const pieces: SegmentExample[] = [];
    for (let from = 0; from < chars.length; from += this.config.maxLen) {
      const piece = chars.slice(from, from + this.config.maxLen).join('');
      pieces.push({ text: piece, ids: this.vocab.encode(piece), tags: new Uint8Array(Array.from(piece).length) });
    }
    const { tags } = await this.tag(pieces);
    const flat = tags.flatMap((t) => [...t]);
    const segmented = chars.map((c, i) => (i > 0 && flat[i] === TAG_BEGIN ? ` ${c}` : c)).join('');
    return { value: { input: text, segmented, words: segmented.split(' ').length }, text: segmented };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Every section's examples, encoded. */
export function encodeExamples(texts: readonly string[], maxLen: number, vocab: SegmentVocab): SegmentExample[] {
  return texts.flatMap((text) => taggedExamples(text, maxLen)).map((e) => ({ ...e, ids: vocab.encode(e.text) }));
}
