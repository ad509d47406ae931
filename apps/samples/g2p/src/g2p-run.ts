// A g2p run: the encoder–decoder, the encoded splits, the vocabularies and the letter-rule
// baseline. Trains with @recur/train's fit (teacher forcing, cross-entropy over phoneme steps,
// Adam, StepLR, clipping; batches bucketed by word length); scores PER, WER and BLEU of greedy
// (validation) or beam-search (test) output; predicts; draws one word's attention heatmap.

import { crossEntropy } from '@recur/cells';
import { ArrayDataset, DataLoader } from '@recur/datasets';
import { corpusBleu, corpusErrorRate } from '@recur/metrics';
import { Adam, StepLR } from '@recur/optim';
import {
  InputError,
  taskBatches,
  type Evaluation,
  type HeatmapPlot,
  type Metrics,
  type OnnxExample,
  type Prediction,
  type TaskRun,
  type TrainContext,
} from '@recur/sample-core';
import { fromTypedArray, noGrad, scope, type Tensor } from '@recur/tensor';
import { fit, type FitResult } from '@recur/train';
import { anyMatchMetrics } from './g2p-any-match.js';
import { applyLetterRules, type LetterRules } from './g2p-baseline.js';
import type { G2pAttention, G2pConfig } from './g2p-config.js';
import { normalizeWord, type G2pExample, type G2pVocab } from './g2p-data.js';
import { decodeBatch, letterBatch, type Decoded } from './g2p-decode.js';
import { G2pModel } from './g2p-model.js';
import { PUBLISHED_BASELINES } from './g2p-published.js';
import { exportG2pOnnx } from './g2p-onnx.js';

export interface G2pSplits {
  readonly train: readonly G2pExample[];
  readonly validation: readonly G2pExample[];
  readonly test: readonly G2pExample[];
}

interface Batch {
  readonly letters: Tensor;
  readonly lengths: number[];
  /** <BOS> + phonemes, 0-padded: [B, T]. */
  readonly inputs: Tensor;
  /** phonemes + <EOS>, IGNORE-padded: [B·T]. */
  readonly targets: Tensor;
}

const EVAL_BATCH = 256;
/** Padding's target: crossEntropy skips it. */
const IGNORE = -100;
/** Words with this many letters make a readable heatmap: the first such test word is drawn. */
const HEATMAP_LETTERS = [8, 10] as const;

/**
 * PER: phoneme edit distance / reference phonemes over the corpus. WER: the share of words
 * whose pronunciation is not exactly right (each pronunciation is one token, so its distance is
 * 0 or 1). BLEU: corpus BLEU-4 over phoneme n-grams.
 */
export function g2pMetrics(references: readonly (readonly string[])[], hypotheses: readonly (readonly string[])[]): Metrics {
  return {
    per: corpusErrorRate(references, hypotheses, { unit: 'token' }).rate,
    wer: corpusErrorRate(
      references.map((r) => [r.join(' ')]),
      hypotheses.map((h) => [h.join(' ')]),
      { unit: 'token' },
    ).rate,
    bleu: corpusBleu(
      references.map((r) => [r]),
      hypotheses,
    ),
  };
}

/**
 * Equal labels would merge into one row or column of the heatmap; repeats get zero-width
 * spaces appended so they stay distinct keys yet read the same.
 */
const distinctLabels = (labels: readonly string[]) =>
  labels.map((label, i) => label + '\u200b'.repeat(labels.slice(0, i).filter((l) => l === label).length));

export class G2pRun implements TaskRun {
  readonly model: G2pModel;

  constructor(
    readonly config: G2pConfig,
    readonly splits: G2pSplits,
    readonly vocab: G2pVocab,
    readonly rules: LetterRules,
    /** Every listed pronunciation of the test words, for the any-match rule; without it, the first only. */
    readonly pronunciations: ReadonlyMap<string, readonly (readonly string[])[]> = new Map(),
  ) {
    this.model = new G2pModel({
      letters: vocab.letters.size,
      phonemes: vocab.phonemes.size,
      embeddingDim: config.embeddingDim,
      hiddenSize: config.hiddenSize,
      bidirectional: config.bidirectional,
      attention: config.attention as G2pAttention,
      dropout: config.dropout,
    });
  }

  get trainSize(): number {
    return this.splits.train.length;
  }

  state() {
    return this.vocab.toJSON();
  }

  collate(examples: readonly G2pExample[]): Batch {
    const steps = Math.max(...examples.map((e) => e.target.length)) + 1;
    const inputs = new Int32Array(examples.length * steps);
    const targets = new Int32Array(examples.length * steps).fill(IGNORE);
    examples.forEach((e, b) => {
      inputs[b * steps] = this.vocab.bosId;
      inputs.set(e.target, b * steps + 1);
      targets.set(e.target, b * steps);
      targets[b * steps + e.target.length] = this.vocab.eosId;
    });
    const { letters, lengths } = letterBatch(examples.map((e) => e.source));
    return {
      letters,
      lengths,
      inputs: fromTypedArray(inputs, [examples.length, steps]),
      targets: fromTypedArray(targets, [examples.length * steps]),
    };
  }

  /** Mean cross-entropy per phoneme step (with <EOS>) under teacher forcing. */
  loss(batch: Batch): Tensor {
    const logits = this.model.forward(batch.letters, batch.lengths, batch.inputs);
    return crossEntropy(logits.reshape([-1, this.vocab.phonemes.size]), batch.targets, { ignoreIndex: IGNORE });
  }

  async train(context: TrainContext): Promise<FitResult> {
    const { config, model, splits } = this;
    const optimizer = new Adam(model.parameters(), { lr: config.lr });
    const scheduler = new StepLR(optimizer, { stepSize: config.lrStepSize, gamma: config.lrGamma });
    // Bucketing by spelling length keeps a batch's encoder and decoder steps close to its words'.
    const loader = new DataLoader(new ArrayDataset([...splits.train]), {
      batchSize: config.batchSize,
      shuffle: true,
      seed: config.seed,
      bucketBy: (e) => e.source.length,
    });
    const data = taskBatches({
      plan: (epoch) => loader.batchIndices(epoch),
      make: (indices) => this.collate(indices.map((i) => splits.train[i]!)),
      dispose: (batch) => [batch.letters, batch.inputs, batch.targets].forEach((t) => t.dispose()),
    });
    const validation = limit(splits.validation, config.validationLimit);
    try {
      return await fit(model, {
        train: data,
        batchSize: data.size,
        loss: (_, batch) => this.loss(batch),
        optimizer,
        scheduler,
        epochs: config.epochs,
        ...(config.clipNorm > 0 ? { clipGradNorm: config.clipNorm } : {}),
        signal: context.signal,
        validate: async () => {
          const valLoss = await this.teacherForcedLoss(validation);
          const decoded = await this.decode(
            validation.map((e) => e.source),
            1,
          );
          const metrics = g2pMetrics(
            validation.map((e) => e.phonemes),
            decoded.map((d) => this.vocab.decode(d.ids)),
          );
          return { valLoss, ...metrics };
        },
        callbacks: context.callbacks({ batches: data.count }),
      });
    } finally {
      optimizer.dispose();
    }
  }

  /** The model's forward arguments (spellings, their lengths, teacher-forced phonemes) for the test split's first batch. */
  summaryInput(): unknown[] {
    const batch = this.collate(this.splits.test.slice(0, this.config.batchSize));
    batch.targets.dispose();
    return [batch.letters, batch.lengths, batch.inputs];
  }

  /** Mean cross-entropy per phoneme step of `examples`, teacher forced, in eval mode. */
  async teacherForcedLoss(examples: readonly G2pExample[]): Promise<number> {
    this.model.eval();
    let sum = 0;
    let count = 0;
    for (let from = 0; from < examples.length; from += EVAL_BATCH) {
      const part = examples.slice(from, from + EVAL_BATCH);
      const batch = this.collate(part);
      const loss = noGrad(() => scope(() => this.loss(batch)));
      const steps = part.reduce((n, e) => n + e.target.length + 1, 0);
      sum += (await loss.data())[0]! * steps;
      count += steps;
      [loss, batch.letters, batch.inputs, batch.targets].forEach((t) => t.dispose());
    }
    return sum / Math.max(1, count);
  }

  /** Decode spellings (letter ids) in batches; beamSize 1 is greedy. */
  async decode(sources: readonly Int32Array[], beamSize: number, keepWeights = false): Promise<Decoded[]> {
    this.model.eval();
    const out: Decoded[] = [];
    // Beam search multiplies the rows by K, so its batches hold fewer words.
    const size = Math.max(1, Math.floor(EVAL_BATCH / beamSize));
    for (let from = 0; from < sources.length; from += size) {
      const options = { bosId: this.vocab.bosId, eosId: this.vocab.eosId, beamSize, keepWeights };
      out.push(...(await decodeBatch(this.model, sources.slice(from, from + size), options)));
    }
    return out;
  }

  async evaluate(): Promise<Evaluation> {
    const test = limit(this.splits.test, this.config.testLimit);
    const decoded = await this.decode(
      test.map((e) => e.source),
      this.config.beamSize,
    );
    const references = test.map((e) => e.phonemes);
    const listed = test.map((e) => this.pronunciations.get(e.word) ?? [e.phonemes]);
    const score = (hypotheses: string[][]) => ({ ...g2pMetrics(references, hypotheses), ...anyMatchMetrics(listed, hypotheses) });
    const baseline = score(test.map((e) => applyLetterRules(this.rules, e.word)));
    const baselineName = 'letter rules (each letter → its most frequent phoneme in equal-length training words)';
    return {
      metrics: score(decoded.map((d) => this.vocab.decode(d.ids))),
      baseline,
      baselineName,
      // No classical g2p comes close enough to be worth computing here: the strong baselines are
      // published figures, scored by their own rule on their own split (their names say so).
      baselines: { [baselineName]: baseline, ...PUBLISHED_BASELINES },
      higherIsBetter: { per: false, wer: false, bleu: true, per_any: false, wer_any: false },
    };
  }

  /** Phonemes for one word per line (beam search with the run's beamSize). */
  async predict(input: string | null): Promise<Prediction> {
    const lines = (input ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    if (lines.length === 0)
      throw new InputError('input: expected a word spelled with letters A–Z (or - and one word per line on standard input), got nothing');
    const words = lines.map(normalizeWord);
    const decoded = await this.decode(
      words.map((word) => this.vocab.letters.encode(Array.from(word))),
      this.config.beamSize,
    );
    const predictions = words.map((word, i) => ({ word, phonemes: this.vocab.decode(decoded[i]!.ids) }));
    const width = Math.max(...words.map((w) => w.length));
    const text =
      predictions.length === 1
        ? predictions[0]!.phonemes.join(' ')
        : predictions.map((p) => `${p.word.padEnd(width)}  ${p.phonemes.join(' ')}`).join('\n');
    return { value: { predictions }, text };
  }

  /** Attention of the greedy decoder over one test word's letters: the heatmap. */
  async attentionPlot(word?: string): Promise<HeatmapPlot> {
    const example =
      word === undefined
        ? (this.splits.test.find((e) => e.word.length >= HEATMAP_LETTERS[0] && e.word.length <= HEATMAP_LETTERS[1]) ?? this.splits.test[0]!)
        : { word, source: this.vocab.letters.encode(Array.from(word)) };
    const [decoded] = await this.decode([example.source], 1, true);
    const output = [...this.vocab.decode(decoded!.ids), '<EOS>'].slice(0, decoded!.weights!.length);
    const letters = distinctLabels(Array.from(example.word));
    const phonemes = distinctLabels(output);
    return {
      kind: 'heatmap',
      name: 'attention',
      title: `${this.config.attention} attention: ${example.word} → ${output.slice(0, -1).join(' ')}`,
      x: { label: 'input letter' },
      y: { label: 'output phoneme (decoder step)' },
      value: { label: 'weight' },
      cells: phonemes.flatMap((y, t) => letters.map((x, s) => ({ x, y, value: decoded!.weights![t]![s]! }))),
    };
  }

  async plots(): Promise<HeatmapPlot[]> {
    return [await this.attentionPlot()];
  }

  /** The greedy decoder as one ONNX graph (a Loop), two test words and the phonemes decodeBatch gives them (<EOS>-padded). */
  async exportOnnx(): Promise<OnnxExample> {
    const sources = this.splits.test.slice(0, 2).map((e) => e.source);
    this.model.eval();
    const decoded = await this.decode(sources, 1);
    const steps = Math.max(...decoded.map((d) => d.ids.length)) + 1;
    const phonemes = new Int32Array(sources.length * steps).fill(this.vocab.eosId);
    decoded.forEach((d, b) => phonemes.set(d.ids, b * steps));
    const { letters, lengths } = letterBatch(sources);
    const onnx = await exportG2pOnnx(this.model, { bosId: this.vocab.bosId, eosId: this.vocab.eosId });
    return {
      onnx,
      inputs: { letters, lengths: fromTypedArray(Int32Array.from(lengths), [lengths.length]) },
      outputs: { phonemes: fromTypedArray(phonemes, [sources.length, steps]) },
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** The first `count` items; all of them when count is 0. */
const limit = <T>(items: readonly T[], count: number): readonly T[] => (count > 0 ? items.slice(0, count) : items);
