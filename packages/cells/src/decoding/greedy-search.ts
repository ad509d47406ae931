// Greedy search: each row takes its most probable next token (the lowest id among ties) until it
// emits the end token or reaches its maximum length (the shared loop: token-by-token.ts).

import { checkDecodeOptions, type StepFunction, type StreamingDecodeOptions } from './step.js';
import { decodeTokenByToken, type DecodedSequence } from './token-by-token.js';

export type { DecodedSequence } from './token-by-token.js';

export async function greedySearch<S>(step: StepFunction<S>, options: StreamingDecodeOptions<S>): Promise<DecodedSequence[]> {
  const op = 'greedySearch';
  return decodeTokenByToken(op, step, options, checkDecodeOptions(op, options), () => argmax);
}

function argmax(logProbs: Float64Array): number {
  let best = 0;
  for (let v = 1; v < logProbs.length; v++) if (logProbs[v]! > logProbs[best]!) best = v;
  return best;
}
