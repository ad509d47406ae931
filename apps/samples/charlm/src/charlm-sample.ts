// Generation with @recur/cells' decoders: the prompt (all but its last character) goes through
// the model in one call, then `sample` draws one character at a time from softmax(logits / T),
// cut to the top k and the nucleus p, with a seeded Generator (`greedySearch` at T = 0). Each
// character reaches `onText` as it is drawn. V characters; the step's logits get one extra
// column V, the end token, at -∞: never drawn, only forced after `length` characters.

import { greedySearch, sample, type StepFunction } from '@recur/cells';
import { InputError } from '@recur/sample-core';
import { Generator, concat, fromTypedArray, full, keep, noGrad, scope } from '@recur/tensor';
import type { CharLmModel, LstmState } from './charlm-model.js';
import type { CharVocab } from './charlm-text.js';

export interface GenerateOptions {
  readonly prompt: string;
  readonly length: number;
  /** 0: always the most likely character (greedy search). */
  readonly temperature: number;
  readonly seed: number;
  /** Keep only the k most likely characters (0 or absent: all). */
  readonly topK?: number;
  /** Keep the most likely characters until their probability reaches p (1 or absent: all). */
  readonly topP?: number;
}

function check(options: GenerateOptions): void {
  const { length, temperature, seed, topK = 0, topP = 1 } = options;
  if (!(temperature >= 0) || !Number.isFinite(temperature))
    throw new InputError(`temperature must be a finite number, 0 or more; got ${temperature}`);
  if (!Number.isInteger(length) || length < 0) throw new InputError(`length must be a non-negative integer; got ${length}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`seed must be a non-negative integer; got ${seed}`);
  if (!Number.isInteger(topK) || topK < 0) throw new InputError(`topK must be a non-negative integer (0: all characters); got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw new InputError(`topP must be in (0, 1]; got ${topP}`);
}

export async function generate(
  model: CharLmModel,
  vocab: CharVocab,
  options: GenerateOptions,
  onText?: (text: string) => void,
): Promise<string> {
  check(options);
  if (options.length === 0) return '';
  // An empty prompt starts from a newline, as a paragraph would.
  const ids = vocab.encode(options.prompt.length > 0 ? options.prompt : '\n');
  const end = vocab.size;
  model.eval();
  const initial = noGrad(() =>
    scope(() => {
      const zero = model.initialState(1);
      if (ids.length === 1) return zero;
      return model.forward(fromTypedArray(ids.subarray(0, ids.length - 1), [1, ids.length - 1]), zero)[1];
    }),
  ).map(keep) as unknown as LstmState;
  // tokens [1] → logits [1, V + 1]: the model's V, then the end token's column at -∞.
  const step: StepFunction<LstmState> = (tokens, state) => {
    const [logits, next] = model.forward(tokens.reshape([1, 1]), state);
    return [concat([logits.reshape([1, end]), full([1, 1], -Infinity)], 1), next];
  };
  const decode = {
    initialState: initial,
    startToken: ids[ids.length - 1]!,
    endToken: end,
    maxLength: options.length + 1,
    onTokens:
      onText &&
      ((tokens: readonly number[]) => {
        if (tokens[0] !== end) onText(vocab.decode([tokens[0]!]));
      }),
  };
  try {
    const [drawn] =
      options.temperature === 0
        ? await greedySearch(step, decode)
        : await sample(step, {
            ...decode,
            temperature: options.temperature,
            topK: options.topK,
            topP: options.topP,
            generator: new Generator(options.seed),
          });
    return vocab.decode(drawn!.tokens);
  } finally {
    initial.forEach((t) => t.dispose());
  }
}
