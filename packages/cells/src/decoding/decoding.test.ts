// Decoders over a tiny seeded RNN language model: beam width 1 ≡ greedy, a wide beam ≡
// exhaustive search (with and without length normalisation, n-best), seeded sampling is
// reproducible and top-k/top-p emit only allowed tokens, nothing leaks, and bad options throw.

import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, fromTypedArray, ValueError, manualSeed, memory, randn, scope, zeros, type Tensor } from '@recur/tensor';
import { beamSearch, greedySearch, logSoftmaxRows, reorderState, sample, samplingDistribution, type StepFunction } from './index.js';

const V = 4;
const H = 5;
const END = 3;
const START = 0;

/** h' = tanh(h·A + E[token]), logits = 2·h'·W: the next token depends on the whole prefix. */
function languageModel(seed: number): { step: StepFunction<{ h: Tensor }>; dispose: () => void; seen: Float64Array[] } {
  manualSeed(seed);
  // In a scope, so the unscaled draws are freed now, not by the finalizer inside a later count.
  const [embed, recur, out] = scope(() => [randn([V, H]), randn([H, H]).mul(0.5), randn([H, V]).mul(2)]);
  const seen: Float64Array[] = [];
  const step: StepFunction<{ h: Tensor }> = (tokens, state) => {
    const h = state.h.matmul(recur).add(embed.indexSelect(0, tokens)).tanh();
    return [h.matmul(out), { h }];
  };
  return { step, seen, dispose: () => [embed, recur, out].forEach((t) => t.dispose()) };
}

/** log P(tokens + END) for one row, one step at a time. */
function sequenceLogProb(step: StepFunction<{ h: Tensor }>, h0: Tensor, tokens: readonly number[]): number {
  // In a scope: every tensor of the walk is freed before the return, none left to the finalizer.
  return scope(() => {
    let state = { h: h0 };
    let previous = START;
    let total = 0;
    for (const token of [...tokens, END]) {
      const input = zeros([1], { dtype: 'int32' }).add(previous);
      const [logits, next] = step(input, state);
      total += logSoftmaxRows(logits.dataSync(), 1, V)[token]!;
      state = next;
      previous = token;
    }
    return total;
  });
}

/** Every sequence of non-end tokens shorter than maxLength, each followed by END. */
function allSequences(maxLength: number): number[][] {
  const out: number[][] = [[]];
  for (let i = 0; i < out.length; i++) {
    if (out[i]!.length + 1 >= maxLength) continue;
    for (let v = 0; v < V; v++) if (v !== END) out.push([...out[i]!, v]);
  }
  return out;
}

describe('greedy and beam search', () => {
  it('beam width 1 equals greedy search, row by row, with per-row maximum lengths', async () => {
    const lm = languageModel(1);
    const h0 = randn([3, H]);
    const maxLength = [6, 2, 9];
    const before = memory().numTensors;
    const greedy = await greedySearch(lm.step, { initialState: { h: h0 }, startToken: START, endToken: END, maxLength });
    const beam = await beamSearch(lm.step, { initialState: { h: h0 }, startToken: START, endToken: END, maxLength, beamWidth: 1 });
    expect(memory().numTensors).toBe(before);
    expect(h0.isDisposed).toBe(false);
    greedy.forEach((g, b) => {
      expect(beam[b]![0]!.tokens).toEqual(g.tokens);
      expect(beam[b]![0]!.logProb).toBeCloseTo(g.logProb, 10);
      expect(g.tokens.length).toBeLessThan(maxLength[b]!);
      expect(g.logProb).toBeCloseTo(sequenceLogProb(lm.step, h0.narrow(0, b, 1), g.tokens), 5);
    });
    lm.dispose();
  });

  for (const lengthPenalty of [0, 1]) {
    it(`a beam as wide as the search space equals exhaustive search (lengthPenalty ${lengthPenalty}, 3-best)`, async () => {
      const lm = languageModel(2);
      const h0 = randn([2, H]);
      const maxLength = 4;
      const results = await beamSearch(lm.step, {
        initialState: { h: h0 },
        startToken: START,
        endToken: END,
        maxLength,
        beamWidth: 27,
        nBest: 3,
        lengthPenalty,
      });
      for (let b = 0; b < 2; b++) {
        const scored = allSequences(maxLength).map((tokens) => {
          const logProb = sequenceLogProb(lm.step, h0.narrow(0, b, 1), tokens);
          return { tokens, logProb, score: logProb / Math.pow(tokens.length + 1, lengthPenalty) };
        });
        scored.sort((x, y) => y.score - x.score);
        expect(results[b]!.map((h) => h.tokens)).toEqual(scored.slice(0, 3).map((h) => h.tokens));
        results[b]!.forEach((h, i) => expect(h.score).toBeCloseTo(scored[i]!.score, 5));
      }
      lm.dispose();
    });
  }

  it('n-best lists are sorted and a wider beam never scores worse here', async () => {
    const lm = languageModel(3);
    const h0 = randn([2, H]);
    const narrow = await beamSearch(lm.step, {
      initialState: { h: h0 },
      startToken: START,
      endToken: END,
      maxLength: 7,
      beamWidth: 2,
      nBest: 2,
    });
    const wide = await beamSearch(lm.step, {
      initialState: { h: h0 },
      startToken: START,
      endToken: END,
      maxLength: 7,
      beamWidth: 8,
      nBest: 2,
    });
    for (const rows of [narrow, wide]) for (const list of rows) expect(list[0]!.score).toBeGreaterThanOrEqual(list[1]!.score);
    wide.forEach((list, b) => expect(list[0]!.score).toBeGreaterThanOrEqual(narrow[b]![0]!.score - 1e-6));
    lm.dispose();
  });
});

describe('beam search options', () => {
  it('a custom reorderState sees B·K rows first, then parents; nested array states work', async () => {
    const lm = languageModel(7);
    const h0 = randn([2, H]);
    // The same model with its state as a tuple [h, [h]] (a nested array).
    const tupleStep: StepFunction<[Tensor, [Tensor]]> = (tokens, [h]) => {
      const [logits, next] = lm.step(tokens, { h });
      return [logits, [next.h, [next.h]]];
    };
    const calls: number[][] = [];
    const options = { startToken: START, endToken: END, maxLength: 6, beamWidth: 3, nBest: 2 };
    const plain = await beamSearch(lm.step, { ...options, initialState: { h: h0 } });
    const before = memory().numTensors;
    const custom = await beamSearch<[Tensor, [Tensor]]>(tupleStep, {
      ...options,
      initialState: [h0, [h0]],
      reorderState: (state, rows) => {
        calls.push([...rows]);
        return reorderState(state, rows);
      },
    });
    expect(memory().numTensors).toBe(before);
    expect(custom).toEqual(plain);
    expect(calls[0]).toEqual([0, 0, 0, 1, 1, 1]);
    for (const rows of calls.slice(1)) {
      expect(rows).toHaveLength(6);
      // Parents stay within their batch row's block of K rows.
      rows.forEach((parent, r) => expect(Math.floor(parent / 3)).toBe(Math.floor(r / 3)));
    }
    lm.dispose();
  });

  it('earlyStopping stops a row at K finished hypotheses and never beats the exact search', async () => {
    const lm = languageModel(8);
    const h0 = randn([4, H]);
    const options = { initialState: { h: h0 }, startToken: START, endToken: END, maxLength: 8, beamWidth: 2 };
    const early = await beamSearch(lm.step, { ...options, earlyStopping: true });
    const exact = await beamSearch(lm.step, options);
    early.forEach((list, b) => {
      expect(list[0]!.score).toBeLessThanOrEqual(exact[b]![0]!.score + 1e-9);
      for (const best of [list[0]!, exact[b]![0]!])
        expect(best.logProb).toBeCloseTo(sequenceLogProb(lm.step, h0.narrow(0, b, 1), best.tokens), 5);
    });
    lm.dispose();
  });
});

describe('sampling', () => {
  it('is reproducible with a seed and differs across seeds', async () => {
    const lm = languageModel(4);
    const h0 = zeros([8, H]);
    const run = (seed: number) =>
      sample(lm.step, { initialState: { h: h0 }, startToken: START, endToken: END, maxLength: 10, generator: new Generator(seed) });
    const [a, b, c] = [await run(11), await run(11), await run(12)];
    expect(a).toEqual(b);
    expect(a.map((s) => s.tokens)).not.toEqual(c.map((s) => s.tokens));
    a.forEach((s, r) => expect(s.logProb).toBeCloseTo(sequenceLogProb(lm.step, h0.narrow(0, r, 1), s.tokens), 5));
    lm.dispose();
  });

  it('onTokens streams every step’s tokens as chosen, for sampling and greedy search', async () => {
    const lm = languageModel(6);
    const h0 = randn([3, H]);
    const options = { initialState: { h: h0 }, startToken: START, endToken: END, maxLength: [4, 7, 9] };
    for (const decode of [
      (onTokens: (tokens: readonly number[], t: number) => void) => sample(lm.step, { ...options, generator: new Generator(2), onTokens }),
      (onTokens: (tokens: readonly number[], t: number) => void) => greedySearch(lm.step, { ...options, onTokens }),
    ]) {
      const streamed: number[][] = [];
      const out = await decode((tokens, t) => {
        expect(t).toBe(streamed.length);
        streamed.push([...tokens]);
      });
      // Row r's stream is its tokens, then the end token, then the end token while others run.
      out.forEach((s, r) => {
        const column = streamed.map((tokens) => tokens[r]!);
        expect(column.slice(0, s.tokens.length)).toEqual(s.tokens);
        expect(new Set(column.slice(s.tokens.length))).toEqual(new Set([END]));
      });
      expect(streamed.length).toBe(Math.max(...out.map((s) => s.tokens.length + 1)));
    }
    h0.dispose();
    lm.dispose();
  });

  it('top-k and top-p only ever emit allowed tokens', async () => {
    const lm = languageModel(5);
    const rows = 16;
    for (const cut of [{ topK: 2 }, { topP: 0.6 }, { topK: 3, topP: 0.8, temperature: 1.7 }]) {
      // Record each step's distribution so every emitted token can be checked against it.
      const steps: Float64Array[] = [];
      const recording: StepFunction<{ h: Tensor }> = (tokens, state) => {
        const [logits, next] = lm.step(tokens, state);
        steps.push(logSoftmaxRows(logits.dataSync(), rows, V));
        return [logits, next];
      };
      const out = await sample(recording, {
        initialState: { h: zeros([rows, H]) },
        startToken: START,
        endToken: END,
        maxLength: 12,
        generator: new Generator(9),
        ...cut,
      });
      out.forEach((s, r) => {
        [...s.tokens, END].forEach((token, t) => {
          if (t + 1 >= 12) return; // the forced end token
          const allowed = samplingDistribution(
            steps[t]!.subarray(r * V, (r + 1) * V),
            cut.temperature ?? 1,
            cut.topK ?? 0,
            cut.topP ?? 1,
          ).tokens;
          expect(allowed).toContain(token);
          if (cut.topK) expect(allowed.length).toBeLessThanOrEqual(cut.topK);
        });
      });
    }
    lm.dispose();
  });

  it('samplingDistribution: temperature, top-k and the nucleus on known probabilities', () => {
    const logp = Float64Array.from([0.1, 0.5, 0.15, 0.25].map(Math.log));
    expect(samplingDistribution(logp, 1, 2, 1)).toEqual({ tokens: [1, 3], probs: [0.5 / 0.75, 0.25 / 0.75] });
    const nucleus = samplingDistribution(logp, 1, 0, 0.7);
    expect(nucleus.tokens).toEqual([1, 3]);
    expect(samplingDistribution(logp, 1, 0, 0.75).tokens).toEqual([1, 3]);
    expect(samplingDistribution(logp, 1, 0, 0.76).tokens).toEqual([1, 3, 2]);
    const hot = samplingDistribution(logp, 2, 0, 1);
    const z = [0.5, 0.25, 0.15, 0.1].reduce((s, p) => s + Math.sqrt(p), 0);
    hot.probs.forEach((p, i) => expect(p).toBeCloseTo(Math.sqrt([0.5, 0.25, 0.15, 0.1][i]!) / z, 12));
  });

  it('draws tokens with the model probabilities', async () => {
    // One step over many rows from a fixed distribution: frequencies within 4σ of p.
    const rows = 4000;
    const probs = [0.1, 0.5, 0.15, 0.25];
    const logits = Float32Array.from(probs.map(Math.log));
    const step: StepFunction<null> = (tokens) => [zeros([tokens.shape[0]!, V]).add(fromTypedArray(logits, [V])), null];
    const out = await sample(step, {
      initialState: null,
      batchSize: rows,
      startToken: 0,
      endToken: END,
      maxLength: 2,
      generator: new Generator(3),
    });
    const counts = [0, 0, 0, 0];
    for (const s of out) counts[s.tokens[0] ?? END]!++;
    probs.forEach((p, v) => expect(Math.abs(counts[v]! / rows - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / rows)));
  });
});

describe('errors', () => {
  it('rejects bad options and bad step results with typed errors, and frees the state', async () => {
    const lm = languageModel(6);
    const h0 = zeros([2, H]);
    const base = { initialState: { h: h0 }, startToken: START, endToken: END, maxLength: 5 };
    await expect(greedySearch(lm.step, { ...base, maxLength: 0 })).rejects.toThrow(ValueError);
    await expect(greedySearch(lm.step, { ...base, startToken: [0, 1, 2], batchSize: 2 })).rejects.toThrow(/one entry per batch row/);
    await expect(greedySearch(lm.step, { ...base, endToken: 9 })).rejects.toThrow(/outside the vocabulary/);
    await expect(greedySearch(lm.step, { ...base, initialState: { h: zeros([3, H]) }, batchSize: 2 })).rejects.toThrow(ShapeError);
    await expect(beamSearch(lm.step, { ...base, beamWidth: 2, nBest: 3 })).rejects.toThrow(/nBest/);
    await expect(beamSearch(lm.step, { ...base, lengthPenalty: -1 })).rejects.toThrow(ValueError);
    await expect(sample(lm.step, { ...base, temperature: 0 })).rejects.toThrow(ValueError);
    await expect(sample(lm.step, { ...base, topP: 0 })).rejects.toThrow(ValueError);
    await expect(sample(lm.step, { ...base, topK: 1.5 })).rejects.toThrow(ValueError);
    const before = memory().numTensors;
    const wrong: StepFunction<{ h: Tensor }> = (tokens, state) => [zeros([tokens.shape[0]!, V, 1]), { h: state.h.add(1) }];
    await expect(greedySearch(wrong, base)).rejects.toThrow(/logits must be \[2, vocabulary\]/);
    expect(memory().numTensors).toBe(before);
    lm.dispose();
  });
});
