// A charlm run: the model, the encoded splits and the vocabulary. Training is @recur/train's
// truncated BPTT (k1 = k2 = seqLen) as the trainStep of its fit: the text is cut into
// batchSize parallel streams (the rows of a RecurrentStream), each batch is the next seqLen
// characters of every stream, and the LSTM state is carried from one chunk to the next but
// detached, so gradients stop at the chunk edge while the context does not.

import { RecurrentStream, crossEntropy } from '@recur/cells';
import { perplexity } from '@recur/metrics';
import { Adam } from '@recur/optim';
import {
  InputError,
  taskBatches,
  type Evaluation,
  type OnnxExample,
  type Prediction,
  type TaskRun,
  type TrainContext,
} from '@recur/sample-core';
import { TruncatedBPTT, fit, type FitResult } from '@recur/train';
import { fromTypedArray, keep, noGrad, scope, type Tensor } from '@recur/tensor';
import type { CharLmConfig } from './charlm-config.js';
import { CharLmModel, type LstmState } from './charlm-model.js';
import { exportCharLmOnnx } from './charlm-onnx.js';
import { generate, type GenerateOptions } from './charlm-sample.js';
import { unigramNll, type CharVocab } from './charlm-text.js';
import { KneserNey } from './kneser-ney.js';

export interface CharLmSplits {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/** Streams scored side by side in evaluation: the start of each is read without context. */
const EVAL_STREAMS = 8;
/** Kneser-Ney orders tried on validation (capped where base-V keys stop fitting a double). */
const KN_MAX_ORDER = 8;
const PREDICT_PROMPT = 'Call me Ishmael. ';

interface Chunk {
  readonly index: number;
  readonly inputs: Tensor;
  readonly targets: Tensor;
}

/** Chunk `k` of `streams` parallel streams over `ids`: inputs [B, T] and next-character targets [B, T]. */
function chunkTensors(ids: Int32Array, streams: number, seqLen: number, k: number): { inputs: Tensor; targets: Tensor } | null {
  const length = Math.floor((ids.length - 1) / streams);
  const from = k * seqLen;
  const steps = Math.min(seqLen, length - from);
  if (steps <= 0) return null;
  const inputs = new Int32Array(streams * steps);
  const targets = new Int32Array(streams * steps);
  for (let b = 0; b < streams; b++) {
    const start = b * length + from;
    inputs.set(ids.subarray(start, start + steps), b * steps);
    targets.set(ids.subarray(start + 1, start + 1 + steps), b * steps);
  }
  return { inputs: fromTypedArray(inputs, [streams, steps]), targets: fromTypedArray(targets, [streams, steps]) };
}

const chunkCount = (ids: Int32Array, streams: number, seqLen: number) => Math.ceil(Math.floor((ids.length - 1) / streams) / seqLen);
const disposeState = (state: LstmState | null) => state?.forEach((t) => t.dispose());

export class CharLmRun implements TaskRun {
  readonly model: CharLmModel;

  constructor(
    readonly config: CharLmConfig,
    readonly splits: CharLmSplits,
    readonly vocab: CharVocab,
  ) {
    this.model = new CharLmModel({
      vocabSize: vocab.size,
      embeddingDim: config.embeddingDim,
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
      dropout: config.dropout,
    });
  }

  /** Chunks per epoch: fit counts each as one example. */
  get trainSize(): number {
    return chunkCount(this.splits.train, this.config.batchSize, this.config.seqLen);
  }

  state() {
    return this.vocab.toJSON();
  }

  async train(context: TrainContext): Promise<FitResult> {
    const { config, model, splits } = this;
    const optimizer = new Adam(model.parameters(), { lr: config.lr });
    const stream = new RecurrentStream(model, { batchSize: config.batchSize });
    const vocabSize = this.vocab.size;
    // fit's afterBackward of the batch being learned: its callbacks check each update before its step.
    let afterBackward: (loss: number, gradNorm?: number) => Promise<void> = async () => {};
    const trainer = new TruncatedBPTT(stream, {
      optimizer,
      loss: (logits, targets) => crossEntropy(logits.reshape([-1, vocabSize]), targets.reshape([-1])),
      k1: config.seqLen,
      clipNorm: config.clipNorm,
      beforeStep: ({ loss, gradNorm }) => afterBackward(loss, gradNorm ?? undefined),
    });
    // Chunks must run in order for the carried state to mean anything, so there is no shuffle;
    // a resumed epoch restarts its state from zeros at the chunk where it stopped.
    const plan = Array.from({ length: this.trainSize }, (_, k) => [k]);
    const last = this.trainSize - 1;
    const data = taskBatches<Chunk>({
      plan: () => plan,
      make: ([index]) => ({ index: index!, ...chunkTensors(splits.train, config.batchSize, config.seqLen, index!)! }),
      dispose: (chunk) => {
        chunk.inputs.dispose();
        chunk.targets.dispose();
      },
    });
    try {
      return await fit(model, {
        train: data,
        batchSize: data.size,
        trainStep: async (_, chunk, hook) => {
          afterBackward = hook;
          if (chunk.index === 0) trainer.reset();
          const result = await trainer.step(chunk.inputs, chunk.targets);
          result.output.dispose();
          // The epoch's short last chunk is learned from at once, not left for a k1 boundary.
          if (chunk.index === last) await trainer.flush();
          return result.loss;
        },
        optimizer,
        epochs: config.epochs,
        signal: context.signal,
        validate: async () => {
          const nll = await this.meanNll(splits.validation);
          return { valLoss: nll, perplexity: perplexity(nll) };
        },
        callbacks: context.callbacks({ batches: data.count }),
      });
    } finally {
      trainer.dispose();
      stream.dispose();
      optimizer.dispose();
    }
  }

  /** The model's forward arguments (the first chunk of characters, a zero state) for `recur summary`. */
  summaryInput(): unknown[] {
    const chunk = chunkTensors(this.splits.train, this.config.batchSize, this.config.seqLen, 0)!;
    chunk.targets.dispose();
    return [chunk.inputs, this.model.initialState(this.config.batchSize)];
  }

  /** Mean negative log-likelihood per character of `ids` (its first evalChars), state carried. */
  async meanNll(all: Int32Array): Promise<number> {
    const { config, model } = this;
    const ids = config.evalChars > 0 ? all.subarray(0, config.evalChars + 1) : all;
    model.eval();
    let state: LstmState = model.initialState(EVAL_STREAMS).map(keep) as unknown as LstmState;
    let sum = 0;
    let count = 0;
    for (let k = 0; ; k++) {
      const chunk = chunkTensors(ids, EVAL_STREAMS, config.seqLen * 4, k);
      if (!chunk) break;
      const [loss, next] = noGrad(() =>
        scope(() => {
          const [logits, after] = model.forward(chunk.inputs, state);
          return [crossEntropy(logits.reshape([-1, this.vocab.size]), chunk.targets.reshape([-1])), after] as const;
        }),
      );
      disposeState(state);
      state = [keep(next[0]), keep(next[1])];
      sum += (await loss.data())[0]! * chunk.targets.size;
      count += chunk.targets.size;
      loss.dispose();
      chunk.inputs.dispose();
      chunk.targets.dispose();
    }
    disposeState(state);
    return sum / Math.max(1, count);
  }

  /** The first evalChars (+ 1) ids of a split: exactly what the model is scored on. */
  #evalIds(all: Int32Array): Int32Array {
    return this.config.evalChars > 0 ? all.subarray(0, this.config.evalChars + 1) : all;
  }

  /**
   * Interpolated modified Kneser-Ney fit on the training text, its order the one with the lowest
   * validation perplexity (read as the model reads validation), and that order's test NLL.
   */
  kneserNey(): { order: number; validationNll: number; testNll: number } {
    const { splits, vocab } = this;
    const maxOrder = Math.min(KN_MAX_ORDER, KneserNey.maxOrderFor(vocab.size));
    const kn = KneserNey.fit(splits.train, vocab.size, maxOrder);
    let best = { order: 1, validationNll: Infinity };
    for (let order = 1; order <= maxOrder; order++) {
      const validationNll = kn.meanNll(order, this.#evalIds(splits.validation), EVAL_STREAMS);
      if (validationNll < best.validationNll) best = { order, validationNll };
    }
    return { ...best, testNll: kn.meanNll(best.order, this.#evalIds(splits.test), EVAL_STREAMS) };
  }

  async evaluate(): Promise<Evaluation> {
    const { config, splits, vocab } = this;
    const nll = await this.meanNll(splits.test);
    const table = unigramNll(splits.train, vocab.size);
    // The same characters the model is scored on: every stream's targets, i.e. ids[1..n].
    const streams = EVAL_STREAMS;
    const ids = config.evalChars > 0 ? splits.test.subarray(0, config.evalChars + 1) : splits.test;
    const length = Math.floor((ids.length - 1) / streams);
    let unigramSum = 0;
    for (let b = 0; b < streams; b++) for (let i = 1; i <= length; i++) unigramSum += table[ids[b * length + i]!]!;
    const unigram = { perplexity: perplexity(unigramSum / Math.max(1, streams * length)) };
    const baselineName = 'unigram character model (training counts, add-one smoothing)';
    const kn = this.kneserNey();
    return {
      metrics: { perplexity: perplexity(nll) },
      baseline: unigram,
      baselineName,
      // Same characters, same contexts (each stream from its start), nats per character.
      baselines: { [baselineName]: unigram, 'interpolated modified Kneser-Ney': { perplexity: perplexity(kn.testNll), order: kn.order } },
      higherIsBetter: { perplexity: false },
    };
  }

  /** Stream `options.length` sampled characters to `onText` after feeding the prompt. */
  generate(options: GenerateOptions, onText?: (text: string) => void): Promise<string> {
    return generate(this.model, this.vocab, options, onText);
  }

  /** The model as ONNX with the test text's first 32 characters, from a zero state, as its example. */
  async exportOnnx(): Promise<OnnxExample> {
    const ids = fromTypedArray(this.splits.test.slice(0, 32), [1, Math.min(32, this.splits.test.length)]);
    const [h0, c0] = this.model.initialState(1);
    this.model.eval();
    const [logits, [hN, cN]] = noGrad(() => this.model.forward(ids, [h0, c0]));
    return { onnx: await exportCharLmOnnx(this.model), inputs: { ids, h0, c0 }, outputs: { logits, h_n: hN, c_n: cN } };
  }

  async predict(input: string | null): Promise<Prediction> {
    if (input !== null && input.length === 0) throw new InputError('input: give a prompt to continue (or nothing for the opening line)');
    const prompt = input ?? PREDICT_PROMPT;
    const text = await this.generate({ prompt, length: 200, temperature: 0.8, seed: this.config.seed });
    return { value: { prompt, text }, text: `${prompt}${text}` };
  }

  dispose(): void {
    this.model.dispose();
  }
}
