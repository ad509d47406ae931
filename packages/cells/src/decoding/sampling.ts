// Ancestral sampling: each row draws its next token from softmax(logits / temperature), cut to
// the topK most probable tokens and then to the smallest set whose probability reaches topP
// (nucleus), renormalised; u ~ U[0,1) from a seeded Generator picks by inverse CDF, so a seed
// gives the same sequences on every backend. Scores are log P under the unmodified model.

import { Generator, ValueError, defaultGenerator, rand } from '@recur/tensor';
import { checkDecodeOptions, type StepFunction, type StreamingDecodeOptions } from './step.js';
import { decodeTokenByToken, type DecodedSequence } from './token-by-token.js';

export interface SampleOptions<S> extends StreamingDecodeOptions<S> {
  /** Divides the logits before the softmax (default 1; below 1 sharper, above 1 flatter). */
  readonly temperature?: number;
  /** Keep only the k most probable tokens (default 0: all). */
  readonly topK?: number;
  /** Keep the most probable tokens until their probability reaches p (default 1: all). */
  readonly topP?: number;
  /** The random stream (default: the tensor package's default generator). */
  readonly generator?: Generator;
}

export async function sample<S>(step: StepFunction<S>, options: SampleOptions<S>): Promise<DecodedSequence[]> {
  const op = 'sample';
  const checked = checkDecodeOptions(op, options);
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  if (!(temperature > 0) || !Number.isFinite(temperature))
    throw new ValueError(`${op}: temperature must be a finite number > 0; got ${temperature}`);
  if (!Number.isInteger(topK) || topK < 0) throw new ValueError(`${op}: topK must be a non-negative integer (0 = off); got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw new ValueError(`${op}: topP must be in (0, 1]; got ${topP}`);
  const generator = options.generator ?? defaultGenerator;
  return decodeTokenByToken(op, step, options, checked, async () => {
    // One uniform per row and step, drawn whether or not the row is done, so a row's draws do
    // not depend on when the others finish.
    const draws = rand([checked.batch], { generator });
    const uniforms = await draws.data();
    draws.dispose();
    return (row, b) => drawToken(row, uniforms[b]!, temperature, topK, topP);
  });
}

/**
 * The tokens sampling may emit from one row of log-probabilities, with their renormalised
 * probabilities, most probable first (ties: lower id first).
 */
export function samplingDistribution(
  logProbs: ArrayLike<number>,
  temperature: number,
  topK: number,
  topP: number,
): { tokens: number[]; probs: number[] } {
  const vocab = logProbs.length;
  // softmax(logits / T) equals softmax(log p / T): the log-normaliser only shifts every entry.
  let top = -Infinity;
  for (let v = 0; v < vocab; v++) top = Math.max(top, logProbs[v]! / temperature);
  const weights = Array.from({ length: vocab }, (_, v) => Math.exp(logProbs[v]! / temperature - top));
  const order = Array.from({ length: vocab }, (_, v) => v).sort((a, b) => weights[b]! - weights[a]! || a - b);
  let kept = topK > 0 ? order.slice(0, Math.min(topK, vocab)) : order;
  let total = kept.reduce((s, v) => s + weights[v]!, 0);
  if (topP < 1) {
    // The smallest prefix whose probability reaches p; the most probable token always stays.
    let mass = 0;
    let count = 0;
    while (count < kept.length && (count === 0 || mass < topP * total)) mass += weights[kept[count++]!]!;
    kept = kept.slice(0, count);
    total = mass;
  }
  return { tokens: kept, probs: kept.map((v) => weights[v]! / total) };
}

function drawToken(logProbs: ArrayLike<number>, u: number, temperature: number, topK: number, topP: number): number {
  const { tokens, probs } = samplingDistribution(logProbs, temperature, topK, topP);
  let cumulative = 0;
  for (let i = 0; i < tokens.length; i++) {
    cumulative += probs[i]!;
    if (u < cumulative) return tokens[i]!;
  }
  // Rounding can leave the cumulative sum a hair below 1: the last kept token takes the rest.
  return tokens[tokens.length - 1]!;
}
