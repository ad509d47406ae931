// Greedy search: each row takes its most probable next token (the lowest id among ties) until it
// emits the end token or reaches its maximum length. All B rows step together; finished rows keep
// stepping on the end token so the batch keeps its shape. Scores are summed log-probabilities.

import {
  checkDecodeOptions,
  disposeReplaced,
  mustEnd,
  runStep,
  stateTensors,
  type StepFunction,
  type StreamingDecodeOptions,
} from './step.js';

export interface DecodedSequence {
  /** The generated tokens, without the start and end tokens. */
  readonly tokens: number[];
  /** Σ log P(token) over the generated tokens and the end token. */
  readonly logProb: number;
}

export async function greedySearch<S>(step: StepFunction<S>, options: StreamingDecodeOptions<S>): Promise<DecodedSequence[]> {
  const op = 'greedySearch';
  const { start, endToken, maxLength } = checkDecodeOptions(op, options);
  const results = start.map(() => ({ tokens: [] as number[], logProb: 0, done: false }));
  const caller = stateTensors(options.initialState);
  let state = options.initialState;
  let previous = [...start];
  const limit = Math.max(0, ...maxLength);
  try {
    for (let t = 0; t < limit && results.some((r) => !r.done); t++) {
      const out = await runStep(op, step, previous, state, endToken);
      disposeReplaced(state, out.state, caller);
      state = out.state;
      const { logProbs, vocab } = out;
      previous = results.map((result, b) => {
        if (result.done) return endToken;
        const row = b * vocab;
        let best = endToken;
        if (!mustEnd(t, maxLength[b]!)) {
          best = 0;
          for (let v = 1; v < vocab; v++) if (logProbs[row + v]! > logProbs[row + best]!) best = v;
        }
        result.logProb += logProbs[row + best]!;
        if (best === endToken) result.done = true;
        else result.tokens.push(best);
        return best;
      });
      options.onTokens?.(previous, t);
    }
  } finally {
    disposeReplaced(state, null, caller);
  }
  return results.map(({ tokens, logProb }) => ({ tokens, logProb }));
}
