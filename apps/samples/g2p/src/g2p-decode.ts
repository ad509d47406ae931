// Inference: greedy and beam search over a batch of words, without gradients. Beam search keeps
// K hypotheses per word as K rows of one batch (B·K rows), so each step is one decoder call; the
// host picks the K best continuations per word from the K·V candidates and the rows' states are
// re-ordered to their parents with indexSelect. Scores are summed log-probabilities.

import { fromTypedArray, keep, noGrad, scope, type Tensor } from '@recur/tensor';
import type { DecoderState, G2pModel, Memory } from './g2p-model.js';

export interface Decoded {
  /** Phoneme ids without <BOS>/<EOS>. */
  readonly ids: number[];
  /** log P of the sequence (with its <EOS>). */
  readonly score: number;
  /** α_t per output step (with the <EOS> step), over the word's letters; greedy only. */
  readonly weights?: number[][];
}

export interface DecodeOptions {
  readonly bosId: number;
  readonly eosId: number;
  /** 1 = greedy. */
  readonly beamSize: number;
  /** Keep the attention weights (greedy only; for the heatmap). */
  readonly keepWeights?: boolean;
}

/** A word can have more phonemes than letters (X → EH K S), rarely more than twice as many. */
export const maxSteps = (letters: number) => 2 * letters + 4;

/** Letter ids of a batch, 0-padded, as [B, S] int32. */
export function letterBatch(sources: readonly Int32Array[]): { letters: Tensor; lengths: number[] } {
  const steps = Math.max(1, ...sources.map((s) => s.length));
  const data = new Int32Array(sources.length * steps);
  sources.forEach((s, b) => data.set(s, b * steps));
  return { letters: fromTypedArray(data, [sources.length, steps]), lengths: sources.map((s) => s.length) };
}

const disposeState = (state: DecoderState) => [state.h, state.c, state.feed].forEach((t) => t.dispose());
const disposeMemory = (memory: Memory) => [memory.keys, memory.projected, memory.maskBias].forEach((t) => t?.dispose());

/** Log-softmax of each row of `logits` [R, V] on the host. */
function logSoftmaxRows(values: Float32Array, rows: number, vocab: number): Float64Array {
  const out = new Float64Array(rows * vocab);
  for (let r = 0; r < rows; r++) {
    let top = -Infinity;
    for (let v = 0; v < vocab; v++) top = Math.max(top, values[r * vocab + v]!);
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(values[r * vocab + v]! - top);
    const log = top + Math.log(sum);
    for (let v = 0; v < vocab; v++) out[r * vocab + v] = values[r * vocab + v]! - log;
  }
  return out;
}

/** Run one decoder step without gradients and keep only what the caller will hold. */
function stepNoGrad(model: G2pModel, previous: readonly number[], state: DecoderState, memory: Memory) {
  const input = fromTypedArray(Int32Array.from(previous), [previous.length]);
  try {
    return noGrad(() => {
      const step = model.step(input, state, memory);
      return { logits: keep(step.logits), weights: keep(step.weights), state: { h: keep(step.state.h), c: keep(step.state.c), feed: keep(step.state.feed) } };
    });
  } finally {
    input.dispose();
  }
}

/** Decode a batch of words (letter ids); greedy when beamSize is 1. */
export async function decodeBatch(model: G2pModel, sources: readonly Int32Array[], options: DecodeOptions): Promise<Decoded[]> {
  return options.beamSize > 1 ? beamSearch(model, sources, options) : greedy(model, sources, options);
}

async function greedy(model: G2pModel, sources: readonly Int32Array[], options: DecodeOptions): Promise<Decoded[]> {
  const { letters, lengths } = letterBatch(sources);
  const encoded = noGrad(() => model.encode(letters, lengths));
  letters.dispose();
  const { memory } = encoded;
  let state = encoded.state;
  const rows = sources.length;
  const results = sources.map((): { ids: number[]; score: number; weights: number[][]; done: boolean } => ({ ids: [], score: 0, weights: [], done: false }));
  let previous = Array.from({ length: rows }, () => options.bosId);
  const limit = maxSteps(Math.max(...lengths));
  try {
    for (let t = 0; t < limit && results.some((r) => !r.done); t++) {
      const step = stepNoGrad(model, previous, state, memory);
      disposeState(state);
      state = step.state;
      const vocab = step.logits.shape[1]!;
      const logp = logSoftmaxRows((await step.logits.data()) as Float32Array, rows, vocab);
      const weights = options.keepWeights ? ((await step.weights.data()) as Float32Array) : null;
      const steps = step.weights.shape[1]!;
      step.logits.dispose();
      step.weights.dispose();
      previous = results.map((result, b) => {
        if (result.done) return options.eosId;
        // At the step limit the word must end: <EOS> is the only choice left.
        let best = t + 1 >= maxSteps(lengths[b]!) ? options.eosId : 0;
        if (best !== options.eosId) for (let v = 1; v < vocab; v++) if (logp[b * vocab + v]! > logp[b * vocab + best]!) best = v;
        result.score += logp[b * vocab + best]!;
        if (weights) result.weights.push(Array.from(weights.subarray(b * steps, b * steps + lengths[b]!)));
        if (best === options.eosId) result.done = true;
        else result.ids.push(best);
        return best;
      });
    }
  } finally {
    disposeState(state);
    disposeMemory(memory);
  }
  return results.map(({ ids, score, weights }) => (options.keepWeights ? { ids, score, weights } : { ids, score }));
}

interface Hypothesis {
  readonly ids: number[];
  readonly score: number;
}

async function beamSearch(model: G2pModel, sources: readonly Int32Array[], options: DecodeOptions): Promise<Decoded[]> {
  const K = options.beamSize;
  const words = sources.length;
  // Every word's letters K times: rows b·K … b·K+K-1 are word b's hypotheses.
  const { letters, lengths } = letterBatch(sources.flatMap((s) => Array.from({ length: K }, () => s)));
  const encoded = noGrad(() => model.encode(letters, lengths));
  letters.dispose();
  const { memory } = encoded;
  let state = encoded.state;
  // At the start only row 0 of each word is live, so the K first picks are distinct.
  let beams: Hypothesis[][] = sources.map(() => Array.from({ length: K }, (_, k) => ({ ids: [], score: k === 0 ? 0 : -Infinity })));
  const finished: Hypothesis[][] = sources.map(() => []);
  const open = sources.map(() => true);
  let previous = Array.from({ length: words * K }, () => options.bosId);
  const limit = maxSteps(Math.max(...sources.map((s) => s.length)));
  try {
    for (let t = 0; t < limit && open.some(Boolean); t++) {
      const step = stepNoGrad(model, previous, state, memory);
      disposeState(state);
      step.weights.dispose();
      const vocab = step.logits.shape[1]!;
      const logp = logSoftmaxRows((await step.logits.data()) as Float32Array, words * K, vocab);
      step.logits.dispose();
      const parents: number[] = [];
      const nextBeams: Hypothesis[][] = [];
      const nextTokens: number[] = [];
      for (let b = 0; b < words; b++) {
        const candidates: { parent: number; token: number; score: number }[] = [];
        // At the step limit every hypothesis must end: <EOS> is the only continuation left.
        const last = t + 1 >= maxSteps(sources[b]!.length);
        if (open[b]) {
          for (let k = 0; k < K; k++) {
            const base = beams[b]![k]!.score;
            if (base === -Infinity) continue;
            const row = b * K + k;
            for (let v = 0; v < vocab; v++) {
              if (!last || v === options.eosId) candidates.push({ parent: row, token: v, score: base + logp[row * vocab + v]! });
            }
          }
          candidates.sort((x, y) => y.score - x.score);
        }
        const kept: Hypothesis[] = [];
        for (const candidate of candidates) {
          if (kept.length === K) break;
          const ids = [...beams[b]![candidate.parent - b * K]!.ids];
          if (candidate.token === options.eosId) {
            if (finished[b]!.length < K) finished[b]!.push({ ids, score: candidate.score });
            continue;
          }
          kept.push({ ids: [...ids, candidate.token], score: candidate.score });
          parents.push(candidate.parent);
          nextTokens.push(candidate.token);
        }
        // Scores only fall as hypotheses grow, so once K are finished, or the best finished one
        // beats every open one, nothing better can come.
        const bestFinished = Math.max(...finished[b]!.map((h) => h.score));
        if (!open[b] || finished[b]!.length >= K || kept.length === 0 || bestFinished >= kept[0]!.score) open[b] = false;
        // Closed words keep K placeholder rows so the batch keeps its shape.
        while (kept.length < K) {
          kept.push({ ids: [], score: -Infinity });
          parents.push(b * K);
          nextTokens.push(options.eosId);
        }
        nextBeams.push(kept);
      }
      beams = nextBeams;
      previous = nextTokens;
      const order = fromTypedArray(Int32Array.from(parents), [parents.length]);
      const reordered = scope(() => ({ h: keep(step.state.h.indexSelect(0, order)), c: keep(step.state.c.indexSelect(0, order)), feed: keep(step.state.feed.indexSelect(0, order)) }));
      order.dispose();
      disposeState(step.state);
      state = reordered;
    }
  } finally {
    disposeState(state);
    disposeMemory(memory);
  }
  return finished.map((hypotheses) => {
    const best = hypotheses.reduce<Hypothesis | null>((a, h) => (a === null || h.score > a.score ? h : a), null);
    return { ids: best?.ids ?? [], score: best?.score ?? -Infinity };
  });
}
