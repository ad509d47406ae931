// Inference: greedy and beam search over a batch of words with @recur/cells' decoders, driven by
// the model's decoder step (previous phonemes, state) → [logits, state]. The encoder runs once per
// batch; for beam search its memory is repeated K times (row b·K + k is word b's k-th hypothesis).
// Every result ends with <EOS> by the word's step limit; scores are summed log-probabilities.

import { beamSearch, greedySearch, type StepFunction } from '@recur/cells';
import { backendOf, fromTypedArray, keep, noGrad, scope, type Tensor } from '@recur/tensor';
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

const disposeMemory = (memory: Memory) => [memory.keys, memory.projected, memory.maskBias].forEach((t) => t?.dispose());

/** Decode a batch of words (letter ids); greedy when beamSize is 1. */
export async function decodeBatch(model: G2pModel, sources: readonly Int32Array[], options: DecodeOptions): Promise<Decoded[]> {
  const { letters, lengths } = letterBatch(sources);
  const { memory, state } = noGrad(() => model.encode(letters, lengths));
  letters.dispose();
  const K = options.beamSize;
  // Beam rows read the memory of their word: K copies of each, made once.
  const rows = K > 1 ? noGrad(() => scope(() => repeatRows(memory, sources.length, K))) : memory;
  // α_t of every step, kept only for the heatmap (greedy).
  const recorded: Tensor[] = [];
  const step: StepFunction<DecoderState> = (previous, current) => {
    const out = model.step(previous, current, rows);
    if (options.keepWeights && K === 1) recorded.push(keep(out.weights));
    return [out.logits, out.state];
  };
  const common = { initialState: state, startToken: options.bosId, endToken: options.eosId, maxLength: lengths.map(maxSteps) };
  try {
    if (K > 1) {
      const results = await beamSearch(step, { ...common, beamWidth: K, earlyStopping: true });
      return results.map(([best]) => ({ ids: best?.tokens ?? [], score: best?.logProb ?? -Infinity }));
    }
    const results = await greedySearch(step, common);
    if (!options.keepWeights) return results.map((r) => ({ ids: r.tokens, score: r.logProb }));
    const weights = await Promise.all(recorded.map((w) => w.data()));
    const steps = recorded[0]?.shape[1] ?? 0;
    // Word b stepped ids.length + 1 times (its <EOS> included); its α_t covers its own letters.
    return results.map((r, b) => ({
      ids: r.tokens,
      score: r.logProb,
      weights: weights.slice(0, r.tokens.length + 1).map((w) => Array.from(w.subarray(b * steps, b * steps + lengths[b]!))),
    }));
  } finally {
    recorded.forEach((w) => w.dispose());
    [state.h, state.c, state.feed].forEach((t) => t.dispose());
    if (rows !== memory) disposeMemory(rows);
    disposeMemory(memory);
  }
}

/** Each word's memory rows K times in a row: [B, …] → [B·K, …]. */
function repeatRows(memory: Memory, words: number, K: number): Memory {
  const index = fromTypedArray(
    Int32Array.from({ length: words * K }, (_, r) => Math.floor(r / K)),
    [words * K],
    { backend: backendOf('repeatRows', memory.keys) },
  );
  return {
    keys: memory.keys.indexSelect(0, index),
    projected: memory.projected?.indexSelect(0, index) ?? null,
    maskBias: memory.maskBias.indexSelect(0, index),
  };
}
