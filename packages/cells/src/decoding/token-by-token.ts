// The loop greedy search and sampling share: all B rows step together, each picks one next token
// per step until it emits the end token or reaches its maximum length; finished rows keep stepping
// on the end token so the batch keeps its shape. Scores are summed log-probabilities.

import {
  disposeReplaced,
  mustEnd,
  runStep,
  stateTensors,
  type CheckedDecode,
  type StepFunction,
  type StreamingDecodeOptions,
} from './step.js';

export interface DecodedSequence {
  /** The generated tokens, without the start and end tokens. */
  readonly tokens: number[];
  /** Σ log P(token) over the generated tokens and the end token. */
  readonly logProb: number;
}

/** Picks row b's next token from its log-probabilities (vocab entries); never asked for a row that must end. */
export type TokenPicker = (logProbs: Float64Array, row: number) => number;

/**
 * Runs the decode loop; `pickerFor(t)` is asked once per step, after the step function, for the
 * picker of that step (sampling draws its uniforms there, for every row, done or not).
 */
export async function decodeTokenByToken<S>(
  op: string,
  step: StepFunction<S>,
  options: StreamingDecodeOptions<S>,
  checked: CheckedDecode,
  pickerFor: (t: number) => Promise<TokenPicker> | TokenPicker,
): Promise<DecodedSequence[]> {
  const { start, endToken, maxLength } = checked;
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
      const pick = await pickerFor(t);
      previous = results.map((result, b) => {
        if (result.done) return endToken;
        const row = logProbs.subarray(b * vocab, (b + 1) * vocab);
        const token = mustEnd(t, maxLength[b]!) ? endToken : pick(row, b);
        result.logProb += row[token]!;
        if (token === endToken) result.done = true;
        else result.tokens.push(token);
        return token;
      });
      options.onTokens?.(previous, t);
    }
  } finally {
    disposeReplaced(state, null, caller);
  }
  return results.map(({ tokens, logProb }) => ({ tokens, logProb }));
}
