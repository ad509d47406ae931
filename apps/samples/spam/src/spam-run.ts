// A spam run: the classifier, the encoded splits and the text encoder; trains with
// @recur/train's fit (Adam, StepLR, clipping; batches bucketed by length), evaluates accuracy and F1
// (spam the positive class) against always predicting the majority class, and predicts.

import { crossEntropy } from '@recur/cells';
import { ArrayDataset, DataLoader, padCollate, type PaddedBatch } from '@recur/datasets';
import { Adam, StepLR } from '@recur/optim';
import {
  InputError,
  taskBatches,
  type Evaluation,
  type OnnxExample,
  type Prediction,
  type TaskRun,
  type TrainContext,
} from '@recur/sample-core';
import { ValueError, fromTypedArray, noGrad, scope, type Tensor } from '@recur/tensor';
import { fit, type FitResult } from '@recur/train';
import { attentionSummary, colourByAttention, type AttendedToken } from './spam-attention.js';
import type { SpamConfig } from './spam-config.js';
import { SpamEnsemble } from './spam-ensemble.js';
import { SpamClassifier, type SpamModelOptions } from './spam-model.js';
import { TFIDF_BASELINE_NAME, tfidfLogisticBaseline, type TokenisedMessage } from './spam-baseline.js';
import { classificationMetrics } from './spam-metrics.js';
import { exportSpamOnnx } from './spam-onnx.js';
import type { TextEncoder } from './spam-text.js';

export interface EncodedMessage {
  readonly ids: Int32Array;
  /** 0 ham, 1 spam. */
  readonly target: number;
}

export interface SpamSplits {
  readonly train: readonly EncodedMessage[];
  readonly validation: readonly EncodedMessage[];
  readonly test: readonly EncodedMessage[];
  /** The same messages as the tokens the model reads, for the TF-IDF baseline; absent: no such baseline. */
  readonly tokens?: {
    readonly train: readonly TokenisedMessage[];
    readonly validation: readonly TokenisedMessage[];
    readonly test: readonly TokenisedMessage[];
  };
}

const EVAL_BATCH = 128;
const collate = padCollate<EncodedMessage>({ input: (m) => m.ids, target: (m) => m.target });
const disposeBatch = (batch: PaddedBatch) => [batch.inputs, batch.mask, batch.targets].forEach((t) => t.dispose());

export class SpamRun implements TaskRun {
  /** One classifier, or with `members` > 1 a seed ensemble of them. */
  readonly model: SpamClassifier | SpamEnsemble;

  constructor(
    readonly config: SpamConfig,
    readonly splits: SpamSplits,
    readonly encoder: TextEncoder,
  ) {
    const options: SpamModelOptions = {
      vocabSize: encoder.vocabSize,
      embeddingDim: config.embeddingDim,
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
      cell: config.cell === 'gru' ? 'gru' : 'lstm',
      // Checkpoints from before these options have no `pooling`, `dropout` or `members`.
      pooling: config.pooling === 'attention' ? 'attention' : 'last',
      dropout: config.dropout ?? 0,
    };
    const members = config.members ?? 1;
    this.model = members > 1 ? new SpamEnsemble(options, members) : new SpamClassifier(options);
  }

  get trainSize(): number {
    return this.splits.train.length;
  }

  state() {
    return this.encoder.toJSON();
  }

  async train(context: TrainContext): Promise<FitResult> {
    const { config, model, splits } = this;
    const optimizer = new Adam(model.parameters(), { lr: config.lr });
    const scheduler = new StepLR(optimizer, { stepSize: config.lrStepSize, gamma: config.lrGamma });
    // Bucketing by length keeps each batch's longest sequence close to its shortest.
    const loader = new DataLoader(new ArrayDataset([...splits.train]), {
      batchSize: config.batchSize,
      shuffle: true,
      seed: config.seed,
      bucketBy: (message) => message.ids.length,
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
        // An ensemble's members each learn on their own loss, so they stay independent fits.
        loss: (m, batch) =>
          scope(() =>
            (m instanceof SpamEnsemble ? m.forwardMembers(batch.inputs, batch.lengths) : [m.forward(batch.inputs, batch.lengths)])
              .map((logits) => crossEntropy(logits, batch.targets))
              .reduce((sum: Tensor, l) => sum.add(l)),
          ),
        optimizer,
        scheduler,
        epochs: config.epochs,
        ...(config.clipNorm > 0 ? { clipGradNorm: config.clipNorm } : {}),
        signal: context.signal,
        validate: async () => {
          const scored = await this.score(splits.validation);
          return { valLoss: scored.loss, ...classificationMetrics(scored.truth, scored.predicted) };
        },
        // restoreBest: the weights of the best validation epoch (by F1) are kept at the end.
        callbacks: context.callbacks({ batches: data.count, keepBest: config.restoreBest === true }),
      });
    } finally {
      optimizer.dispose();
    }
  }

  /** The model's forward arguments (padded ids, lengths) for the test split's first batch. */
  summaryInput(): unknown[] {
    const batch = collate(this.splits.test.slice(0, this.config.batchSize));
    batch.mask.dispose();
    batch.targets.dispose();
    return [batch.inputs, batch.lengths];
  }

  /** Spam probabilities and predicted classes of `messages`, with their mean cross-entropy. */
  async score(messages: readonly EncodedMessage[]): Promise<{ probability: number[]; predicted: number[]; truth: number[]; loss: number }> {
    const probability: number[] = [];
    let lossSum = 0;
    this.model.eval();
    for (let from = 0; from < messages.length; from += EVAL_BATCH) {
      const batch = collate(messages.slice(from, from + EVAL_BATCH));
      const logits = noGrad(() => scope(() => this.model.forward(batch.inputs, batch.lengths)));
      const values = await logits.data();
      const targets = await batch.targets.data();
      logits.dispose();
      disposeBatch(batch);
      for (let b = 0; b < targets.length; b++) {
        const [ham, spam] = [values[2 * b]!, values[2 * b + 1]!];
        // log-softmax of two logits, computed stably.
        const top = Math.max(ham, spam);
        const logSum = top + Math.log(Math.exp(ham - top) + Math.exp(spam - top));
        lossSum += logSum - (targets[b] === 1 ? spam : ham);
        probability.push(Math.exp(spam - logSum));
      }
    }
    const predicted = probability.map((p) => (p >= 0.5 ? 1 : 0));
    return { probability, predicted, truth: messages.map((m) => m.target), loss: lossSum / Math.max(1, messages.length) };
  }

  async evaluate(): Promise<Evaluation> {
    const scored = await this.score(this.splits.test);
    const spamShare = this.splits.train.reduce((n, m) => n + m.target, 0) / Math.max(1, this.splits.train.length);
    const majority = spamShare > 0.5 ? 1 : 0;
    const baseline = classificationMetrics(
      scored.truth,
      scored.truth.map(() => majority),
    );
    const baselineName = `majority class (always ${majority === 1 ? 'spam' : 'ham'})`;
    const tokens = this.splits.tokens;
    const tfidf = tokens ? tfidfLogisticBaseline(tokens.train, tokens.validation, tokens.test) : null;
    return {
      metrics: classificationMetrics(scored.truth, scored.predicted),
      baseline,
      baselineName,
      baselines: {
        [baselineName]: baseline,
        // C chosen on validation F1; reported beside the metrics for the record.
        ...(tfidf ? { [TFIDF_BASELINE_NAME]: { ...tfidf.test, c: tfidf.c } } : {}),
      },
      higherIsBetter: { accuracy: true, f1: true },
    };
  }

  /** The model as ONNX with the test split's first two messages (padded, with their lengths) as its example. */
  async exportOnnx(): Promise<OnnxExample> {
    if (this.model instanceof SpamEnsemble) {
      throw new ValueError(
        `spam: ONNX export covers a single classifier; this model is an ensemble of ${this.model.members.length} ("members")`,
      );
    }
    const model = this.model;
    const messages = this.splits.test.slice(0, 2);
    const lengths = Int32Array.from(messages, (m) => m.ids.length);
    const steps = Math.max(...lengths);
    const padded = new Int32Array(messages.length * steps);
    messages.forEach((m, b) => padded.set(m.ids, b * steps));
    const ids = fromTypedArray(padded, [messages.length, steps]);
    model.eval();
    const logits = noGrad(() => model.forward(ids, lengths));
    return {
      onnx: await exportSpamOnnx(model),
      inputs: { ids, lengths: fromTypedArray(lengths, [messages.length]) },
      outputs: { logits },
    };
  }

  /**
   * One message's spam probability and, with attention pooling, each token's weight (null with
   * last-state pooling). The tokens are the message's first `maxTokens`, as the model reads them.
   */
  async explain(text: string): Promise<{ probability: number; tokens: AttendedToken[] | null }> {
    const ids = this.encoder.encode(text, this.config.maxTokens);
    this.model.eval();
    const input = fromTypedArray(Int32Array.from(ids), [1, ids.length]);
    const { logits, weights } = noGrad(() => this.model.forwardWithWeights(input, Int32Array.of(ids.length)));
    input.dispose();
    try {
      const [ham, spam] = await logits.data();
      const probability = 1 / (1 + Math.exp(ham! - spam!));
      if (!weights) return { probability, tokens: null };
      const values = await weights.data();
      const pieces = this.encoder.pieces(text, this.config.maxTokens);
      return { probability, tokens: pieces.map((token, t) => ({ token, weight: values[t]! })) };
    } finally {
      logits.dispose();
      weights?.dispose();
    }
  }

  async predict(input: string | null): Promise<Prediction> {
    if (input === null || input.trim() === '')
      throw new InputError('input: give the text of an e-mail body, or - to read it from standard input');
    const { probability, tokens } = await this.explain(input);
    const label = probability >= 0.5 ? 'spam' : 'ham';
    const count = this.encoder.encode(input, this.config.maxTokens).length;
    const line = `${label} (spam probability ${probability.toFixed(3)}, ${count} tokens read)`;
    if (!tokens) return { value: { label, spamProbability: probability, tokens: count }, text: line };
    return {
      value: { label, spamProbability: probability, tokens: count, attention: tokens.map(({ token, weight }) => ({ token, weight })) },
      text: `${line}\nmost attended: ${attentionSummary(tokens)}`,
      terminalText: `${line}\n${colourByAttention(tokens)}`,
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}
