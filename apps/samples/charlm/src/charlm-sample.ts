// Generation: feed the prompt through the model, then draw one character at a time from
// softmax(logits / temperature) with a seeded generator, feeding each back in. Temperature 0
// takes the most likely character. Host-side sampling: V is small and the step is one row.

import { mulberry32 } from '@recur/datasets';
import { InputError } from '@recur/sample-core';
import { fromTypedArray, keep, noGrad, scope } from '@recur/tensor';
import type { CharLmModel, LstmState } from './charlm-model.js';
import type { CharVocab } from './charlm-text.js';

export interface GenerateOptions {
  readonly prompt: string;
  readonly length: number;
  readonly temperature: number;
  readonly seed: number;
}

/** Index drawn from softmax(logits / temperature); argmax at temperature 0. */
export function sampleIndex(logits: ArrayLike<number>, temperature: number, random: () => number): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  const weights = Array.from(logits as ArrayLike<number>, (x) => Math.exp((x - logits[best]!) / temperature));
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r <= 0) return i;
  }
  return best;
}

export async function generate(model: CharLmModel, vocab: CharVocab, options: GenerateOptions, onText?: (text: string) => void): Promise<string> {
  const { length, temperature } = options;
  if (!(temperature >= 0)) throw new InputError(`temperature must be 0 or more, got ${temperature}`);
  if (!Number.isInteger(length) || length < 0) throw new InputError(`length must be a non-negative integer, got ${length}`);
  const random = mulberry32(options.seed);
  // An empty prompt starts from a newline, as a paragraph would.
  let ids = vocab.encode(options.prompt.length > 0 ? options.prompt : '\n');
  model.eval();
  let state: LstmState = model.initialState(1).map(keep) as unknown as LstmState;
  let out = '';
  try {
    for (let step = 0; step < length; step++) {
      const input = fromTypedArray(ids, [1, ids.length]);
      const [last, next] = noGrad(() =>
        scope(() => {
          const [logits, after] = model.forward(input, state);
          return [logits.select(1, -1).reshape([-1]), after] as const;
        }),
      );
      input.dispose();
      state.forEach((t) => t.dispose());
      state = [keep(next[0]), keep(next[1])];
      const values = await last.data();
      last.dispose();
      const id = sampleIndex(values, temperature, random);
      const text = vocab.decode([id]);
      out += text;
      onText?.(text);
      ids = Int32Array.of(id);
    }
  } finally {
    state.forEach((t) => t.dispose());
  }
  return out;
}
