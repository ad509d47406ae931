// Batched beam search: each batch row keeps K = beamWidth open hypotheses as K rows of one batch
// (B·K rows), so a step is one call of the step function; the host ranks the K·V continuations
// per batch row, finished ones (end token) leave the beam, and the state rows follow their parents.
// Score = logProb / length^α (α = lengthPenalty, length counts the end token); α = 0 sums log P.

import { ValueError } from '@recur/tensor';
import {
  checkDecodeOptions,
  disposeReplaced,
  mustEnd,
  reorder,
  runStep,
  stateTensors,
  type DecodeOptions,
  type StepFunction,
} from './step.js';
import type { DecodedSequence } from './token-by-token.js';

export interface BeamSearchOptions<S> extends DecodeOptions<S> {
  /** K: open hypotheses kept per batch row (default 4). */
  readonly beamWidth?: number;
  /** How many finished hypotheses to return per batch row, best first (default 1, at most beamWidth). */
  readonly nBest?: number;
  /** α in score = logProb / length^α (default 0: plain log-probability; 1: per-token mean). */
  readonly lengthPenalty?: number;
  /**
   * true: a batch row stops once K hypotheses have finished (Hugging Face's early_stopping=True).
   * false (default): it stops only when no open hypothesis can still beat the n-th best finished
   * one, so with a beam as wide as the search space the result equals exhaustive search.
   */
  readonly earlyStopping?: boolean;
  /**
   * Select rows of the state: new row i = old row rows[i] (default: indexSelect on axis 0 of every
   * tensor in the state). Also expands the initial B rows to B·K.
   */
  readonly reorderState?: (state: S, rows: readonly number[]) => S;
}

export interface ScoredSequence extends DecodedSequence {
  /** logProb / length^α, the value hypotheses are ranked by. */
  readonly score: number;
}

interface Hypothesis {
  readonly tokens: number[];
  readonly logProb: number;
}

export async function beamSearch<S>(step: StepFunction<S>, options: BeamSearchOptions<S>): Promise<ScoredSequence[][]> {
  const op = 'beamSearch';
  const { batch, start, endToken, maxLength } = checkDecodeOptions(op, options);
  const K = options.beamWidth ?? 4;
  const nBest = options.nBest ?? 1;
  const alpha = options.lengthPenalty ?? 0;
  const early = options.earlyStopping ?? false;
  if (!Number.isInteger(K) || K < 1) throw new ValueError(`${op}: beamWidth must be a positive integer; got ${K}`);
  if (!Number.isInteger(nBest) || nBest < 1 || nBest > K)
    throw new ValueError(`${op}: nBest must be an integer from 1 to beamWidth (${K}); got ${nBest}`);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new ValueError(`${op}: lengthPenalty must be a finite number ≥ 0; got ${alpha}`);
  const select = options.reorderState ?? reorder;
  const scoreOf = (logProb: number, length: number) => (alpha === 0 ? logProb : logProb / Math.pow(length, alpha));
  // The best score an open hypothesis of this log P could still reach: log P only falls as it
  // grows, and dividing a negative number by a larger length^α raises it at most to lp/maxLength^α.
  const bound = (logProb: number, b: number) => (alpha === 0 ? logProb : logProb / Math.pow(maxLength[b]!, alpha));

  const caller = stateTensors(options.initialState);
  // Rows b·K … b·K+K-1 hold batch row b's hypotheses; only the first is live at the start, so
  // the first K picks are distinct.
  let state = select(
    options.initialState,
    Array.from({ length: batch * K }, (_, r) => Math.floor(r / K)),
  );
  let beams: Hypothesis[][] = start.map(() => Array.from({ length: K }, (_, k) => ({ tokens: [], logProb: k === 0 ? 0 : -Infinity })));
  const finished: Hypothesis[][] = start.map(() => []);
  const open = start.map(() => true);
  let previous = start.flatMap((s) => Array.from({ length: K }, () => s));
  const limit = Math.max(0, ...maxLength);
  try {
    for (let t = 0; t < limit && open.some(Boolean); t++) {
      const out = await runStep(op, step, previous, state, endToken);
      disposeReplaced(state, out.state, caller);
      state = out.state;
      const { logProbs, vocab } = out;
      const parents: number[] = [];
      const nextTokens: number[] = [];
      const nextBeams: Hypothesis[][] = [];
      for (let b = 0; b < batch; b++) {
        const kept: Hypothesis[] = [];
        if (open[b]) {
          const last = mustEnd(t, maxLength[b]!);
          const candidates: { parent: number; token: number; logProb: number }[] = [];
          for (let k = 0; k < K; k++) {
            const base = beams[b]![k]!.logProb;
            if (base === -Infinity) continue;
            const row = (b * K + k) * vocab;
            if (last) candidates.push({ parent: k, token: endToken, logProb: base + logProbs[row + endToken]! });
            else for (let v = 0; v < vocab; v++) candidates.push({ parent: k, token: v, logProb: base + logProbs[row + v]! });
          }
          // Ranked by log P: every open candidate has the same length, so α does not change the order.
          candidates.sort((x, y) => y.logProb - x.logProb);
          for (const c of candidates) {
            if (kept.length === K) break;
            const tokens = beams[b]![c.parent]!.tokens;
            if (c.token === endToken) {
              addFinished(finished[b]!, { tokens: [...tokens], logProb: c.logProb }, Math.max(K, nBest), scoreOf);
              continue;
            }
            kept.push({ tokens: [...tokens, c.token], logProb: c.logProb });
            parents.push(b * K + c.parent);
            nextTokens.push(c.token);
          }
          open[b] = stillOpen(finished[b]!, kept, { K, nBest, early, scoreOf, bound: (lp) => bound(lp, b) });
        }
        // Rows of a closed batch row keep K placeholders so the batch keeps its shape.
        while (kept.length < K) {
          kept.push({ tokens: [], logProb: -Infinity });
          parents.push(b * K);
          nextTokens.push(endToken);
        }
        nextBeams.push(kept);
      }
      beams = nextBeams;
      previous = nextTokens;
      const reordered = select(state, parents);
      disposeReplaced(state, reordered, caller);
      state = reordered;
    }
  } finally {
    disposeReplaced(state, null, caller);
  }
  return finished.map((hypotheses) =>
    hypotheses
      .map((h) => ({ tokens: h.tokens, logProb: h.logProb, score: scoreOf(h.logProb, h.tokens.length + 1) }))
      .sort((x, y) => y.score - x.score)
      .slice(0, nBest),
  );
}

/** Keep the `capacity` best finished hypotheses by score. */
function addFinished(list: Hypothesis[], h: Hypothesis, capacity: number, scoreOf: (lp: number, length: number) => number): void {
  list.push(h);
  if (list.length > capacity) {
    list.sort((x, y) => scoreOf(y.logProb, y.tokens.length + 1) - scoreOf(x.logProb, x.tokens.length + 1));
    list.length = capacity;
  }
}

function stillOpen(
  done: readonly Hypothesis[],
  kept: readonly Hypothesis[],
  rule: { K: number; nBest: number; early: boolean; scoreOf: (lp: number, length: number) => number; bound: (lp: number) => number },
): boolean {
  if (kept.length === 0) return false;
  if (rule.early && done.length >= rule.K) return false;
  // kept[0] has the highest log P among the open hypotheses, hence the highest bound.
  const scores = done.map((h) => rule.scoreOf(h.logProb, h.tokens.length + 1)).sort((x, y) => y - x);
  const needed = rule.early ? 1 : rule.nBest;
  if (scores.length < needed) return true;
  return scores[needed - 1]! < rule.bound(kept[0]!.logProb);
}
