// Recur's host-side text pipeline in the recur-cpu worker, on Moby Dick from
// @recur/datasets/corpora/moby-dick: byte-level BPE training (T1) and encode / decode (T2) from
// @recur/tokenizers, which never touch a backend, and one DataLoader epoch (D1) from
// @recur/datasets, whose padCollate makes cpu tensors that each batch disposes. Each iteration
// reports its work (MB of text, merges learned, batches) so the report can show MB/s and batches/s.

import { ArrayDataset, DataLoader, padCollate } from '@recur/datasets';
import { loadMobyDick } from '@recur/datasets/corpora/moby-dick';
import { memory } from '@recur/tensor';
import { BPE } from '@recur/tokenizers';
import type { CaseShape, Iteration, Work } from '../protocol.js';

export type TextShape = Extract<CaseShape, { kind: 'bpe-train' | 'bpe-encode' | 'bpe-decode' | 'data-loader' }>;

/** MB in throughput figures: 10⁶ bytes of UTF-8, as MB/s is usually meant. */
const MB = 1e6;
/** Pieces seen fewer times are never merged (BPE.train's default, as Hugging Face's trainer). */
const MIN_FREQUENCY = 2;

let book: Promise<string[]> | undefined;

/** The text of the first `count` sections, in book order; the package is read once per worker. */
async function sections(count: number): Promise<string[]> {
  book ??= loadMobyDick().then((corpus) => corpus.all.map((record) => record.text));
  return (await book).slice(0, count);
}

function megabytes(text: string): number {
  return Buffer.byteLength(text, 'utf8') / MB;
}

function train(texts: readonly string[], merges: number): Promise<BPE> {
  return BPE.train(texts, { vocabSize: 256 + merges, minFrequency: MIN_FREQUENCY });
}

/** Tokenizers trained as T1 trains, shared by the T2 and D1 cases of one run (set-up, not timed). */
const trained = new Map<string, Promise<BPE>>();

async function tokenizer(merges: number, count: number): Promise<BPE> {
  const key = `${merges}/${count}`;
  let bpe = trained.get(key);
  if (!bpe) {
    bpe = sections(count).then((texts) => train(texts, merges));
    trained.set(key, bpe);
  }
  return bpe;
}

/** T1: one iteration trains from the raw sections to `merges` merges; its work is the merges learned. */
async function prepareTrain(shape: Extract<TextShape, { kind: 'bpe-train' }>): Promise<Iteration> {
  const texts = await sections(shape.sections);
  let work: Work | undefined;
  return {
    run: async () => {
      const bpe = await train(texts, shape.merges);
      work = { amount: bpe.merges.length, unit: 'merges' };
    },
    get work() {
      return work;
    },
    note: `${megabytes(texts.join('')).toFixed(2)} MB of text`,
    dispose: () => undefined,
  };
}

/**
 * T2: the sections joined by blank lines, encoded in one call, or decoded from their ids. A warm
 * cache has seen every piece before (a second epoch); a cold one is a fresh tokenizer per run,
 * built before the clock starts (a corpus encoded once).
 */
async function prepareCodec(shape: Extract<TextShape, { kind: 'bpe-encode' | 'bpe-decode' }>): Promise<Iteration> {
  const bpe = await tokenizer(shape.merges, shape.sections);
  const text = (await sections(shape.sections)).join('\n\n');
  const ids = bpe.encode(text);
  if (bpe.decode(ids) !== text) throw new Error('BPE round trip failed: decode(encode(text)) differs from the text');
  const work: Work = { amount: megabytes(text), unit: 'MB' };
  const note = `${ids.length} ids, ${(text.length / ids.length).toFixed(2)} characters per id`;
  const expected = shape.kind === 'bpe-decode' ? text.length : ids.length;
  // The output's size is checked every run, which also keeps the work from being optimized away.
  const timed = (produce: () => number) => () => {
    const produced = produce();
    if (produced !== expected) throw new Error(`BPE ${shape.kind}: ${produced} instead of ${expected} in a later run`);
  };
  if (shape.kind === 'bpe-decode') return { run: timed(() => bpe.decode(ids).length), work, note, dispose: () => undefined };
  if (shape.cache === 'warm') return { run: timed(() => bpe.encode(text).length), work, note, dispose: () => undefined };
  const model = { vocab: bpe.vocab, merges: bpe.merges };
  let fresh = bpe;
  return {
    before: () => {
      fresh = new BPE(model);
    },
    run: timed(() => fresh.encode(text).length),
    work,
    note,
    dispose: () => undefined,
  };
}

interface Paragraph {
  readonly input: Int32Array;
  /** Which half of the book the paragraph is from: a class id for the collate to carry. */
  readonly target: number;
}

/** D1: one epoch of a shuffled, length-bucketed DataLoader over the paragraphs' BPE ids. */
async function prepareLoader(shape: Extract<TextShape, { kind: 'data-loader' }>): Promise<Iteration> {
  const bpe = await tokenizer(shape.merges, shape.sections);
  const texts = await sections(shape.sections);
  const records: Paragraph[] = texts.flatMap((text, section) =>
    text
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter((paragraph) => paragraph.length > 0)
      .map((paragraph) => ({ input: bpe.encode(paragraph), target: section < texts.length / 2 ? 0 : 1 })),
  );
  const loader = new DataLoader(new ArrayDataset(records), {
    batchSize: shape.batchSize,
    shuffle: true,
    seed: 0,
    collate: padCollate<Paragraph>({ maxLength: shape.maxLength }),
    bucketBy: (record) => Math.min(record.input.length, shape.maxLength),
  });
  const lengths = records.map((record) => record.input.length).sort((a, b) => a - b);
  const padding = loader.paddingReport(0);
  const note =
    `${records.length} paragraphs, ${lengths[lengths.length >> 1]} ids median, ${lengths[lengths.length - 1]} longest; ` +
    `padding ${(100 * padding.paddingFraction).toFixed(1)}% bucketed, ${(100 * padding.unbucketedPaddingFraction).toFixed(1)}% not`;
  let batches = 0;
  return {
    run: () => {
      batches = 0;
      // Each `for … of` is the loader's next epoch: a new shuffle, the same bucketing.
      for (const { inputs, mask, targets } of loader) {
        inputs.dispose();
        mask.dispose();
        targets.dispose();
        batches += 1;
      }
    },
    get work(): Work {
      return { amount: batches || loader.length, unit: 'batches' };
    },
    note,
    liveTensors: () => memory().numTensors,
    dispose: () => undefined,
  };
}

export function prepareText(shape: TextShape): Promise<Iteration> {
  switch (shape.kind) {
    case 'bpe-train':
      return prepareTrain(shape);
    case 'bpe-encode':
    case 'bpe-decode':
      return prepareCodec(shape);
    case 'data-loader':
      return prepareLoader(shape);
  }
}
