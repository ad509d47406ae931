// What every decoder shares: the step function (tokens [R] int32, state) → [logits [R, V], state],
// decoder state as a tree of tensors whose rows are the R decoding rows, and the checked options
// (start token, end token, maximum length per batch row).

import {
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  backendOf,
  fmtShape,
  fromTypedArray,
  noGrad,
  scope,
  type BackendV1,
} from '@recur/tensor';

/**
 * The shape a decoder's state usually has: tensors with one row per decoding row, in arrays and
 * plain objects nested at will. Decoders accept any state; they find its tensors by walking it.
 */
export type DecodeState = Tensor | null | undefined | readonly DecodeState[] | { readonly [key: string]: DecodeState };

/**
 * One decoding step for R rows: the previous tokens [R] int32 and the state → next-token logits
 * [R, V] and the new state. Beam search re-orders the state's rows between steps (see `reorder`).
 */
export type StepFunction<S> = (tokens: Tensor, state: S) => readonly [Tensor, S];

export interface DecodeOptions<S> {
  /** The state for the B batch rows before the first step; the caller keeps ownership of it. */
  readonly initialState: S;
  /** The first input token of every row (one number, or one per batch row). */
  readonly startToken: number | readonly number[];
  /** The token that ends a sequence; it is scored but not part of the returned tokens. */
  readonly endToken: number;
  /**
   * Most tokens a row may generate, its end token included (one number, or one per batch row).
   * At the last allowed step the end token is forced, so every result is a finished sequence.
   */
  readonly maxLength: number | readonly number[];
  /** B, when neither startToken nor maxLength is a list and the state has no tensor. */
  readonly batchSize?: number;
}

/**
 * Called after every step of greedy search and sampling with each row's new token (the end
 * token for a row that has finished), so a caller can stream text as it is decoded.
 */
export type TokensCallback = (tokens: readonly number[], step: number) => void;

/** Options of the decoders that emit one token per row and step (greedy search, sampling). */
export interface StreamingDecodeOptions<S> extends DecodeOptions<S> {
  /** Sees each step's tokens as soon as they are chosen (see `TokensCallback`). */
  readonly onTokens?: TokensCallback;
}

export interface CheckedDecode {
  readonly batch: number;
  readonly start: readonly number[];
  readonly endToken: number;
  readonly maxLength: readonly number[];
}

/** Every tensor of a state tree, each once. */
export function stateTensors(state: unknown, out: Set<Tensor> = new Set()): Set<Tensor> {
  if (state instanceof Tensor) out.add(state);
  else if (Array.isArray(state)) for (const s of state) stateTensors(s, out);
  else if (state && typeof state === 'object') for (const s of Object.values(state)) stateTensors(s, out);
  return out;
}

/** The same tree with every tensor replaced by fn(tensor). */
export function mapState<S>(state: S, fn: (t: Tensor) => Tensor): S {
  if (state instanceof Tensor) return fn(state) as S;
  if (Array.isArray(state)) return state.map((s: unknown) => mapState(s, fn)) as S;
  if (state && typeof state === 'object') {
    return Object.fromEntries(Object.entries(state).map(([k, s]) => [k, mapState(s as unknown, fn)])) as S;
  }
  return state;
}

/** Rows `rows` of every tensor in the state (axis 0), as new tensors. */
export function reorder<S>(state: S, rows: readonly number[]): S {
  return noGrad(() =>
    scope(() => {
      // One index tensor per backend the state's tensors live on (a model may sit on a backend
      // other than the active one; indexSelect needs its index beside the tensor).
      const indices = new Map<BackendV1, Tensor>();
      return mapState(state, (t) => {
        const backend = backendOf('reorder', t);
        let index = indices.get(backend);
        if (!index) indices.set(backend, (index = fromTypedArray(Int32Array.from(rows), [rows.length], { backend })));
        return t.indexSelect(0, index);
      });
    }),
  );
}

/** Free the tensors of `old` that `next` and `protectedTensors` do not hold. */
export function disposeReplaced(old: unknown, next: unknown, protectedTensors: ReadonlySet<Tensor>): void {
  const live = stateTensors(next);
  for (const t of stateTensors(old)) if (!live.has(t) && !protectedTensors.has(t) && !t.isDisposed) t.dispose();
}

function perRow(op: string, name: string, value: number | readonly number[], batch: number): number[] {
  const list = typeof value === 'number' ? Array.from({ length: batch }, () => value) : [...value];
  if (list.length !== batch) throw new ShapeError(`${op}: ${name} must have one entry per batch row (${batch}); got ${list.length}`);
  return list;
}

function checkToken(op: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new ValueError(`${op}: ${name} must be a non-negative integer token id; got ${value}`);
}

export function checkDecodeOptions<S>(op: string, options: DecodeOptions<S>): CheckedDecode {
  const lists = [options.startToken, options.maxLength].filter((v): v is readonly number[] => typeof v !== 'number');
  const first = [...stateTensors(options.initialState)][0];
  const batch = options.batchSize ?? lists[0]?.length ?? (first && first.rank > 0 ? first.shape[0]! : undefined);
  if (batch === undefined || !Number.isInteger(batch) || batch < 0) {
    throw new ValueError(
      `${op}: cannot tell the batch size; pass batchSize, a list of start tokens or a state with tensors (got ${batch})`,
    );
  }
  for (const t of stateTensors(options.initialState)) {
    if (t.rank === 0 || t.shape[0] !== batch) {
      throw new ShapeError(`${op}: every state tensor needs one row per batch row (${batch}) on axis 0; got ${fmtShape(t.shape)}`);
    }
  }
  const start = perRow(op, 'startToken', options.startToken, batch);
  start.forEach((s) => checkToken(op, 'startToken', s));
  checkToken(op, 'endToken', options.endToken);
  const maxLength = perRow(op, 'maxLength', options.maxLength, batch);
  for (const m of maxLength)
    if (!Number.isInteger(m) || m < 1) throw new ValueError(`${op}: maxLength must be a positive integer; got ${m}`);
  return { batch, start, endToken: options.endToken, maxLength };
}

/** Run the step without gradients; intermediates are freed, the logits come back as [R, V] on the host. */
export async function runStep<S>(
  op: string,
  step: StepFunction<S>,
  tokens: readonly number[],
  state: S,
  endToken: number,
): Promise<{ logProbs: Float64Array; vocab: number; state: S }> {
  const [logits, next] = noGrad(() =>
    scope(() => {
      // The tokens go where the state lives (the model's backend), else to the active backend.
      const [first] = stateTensors(state);
      const backend = first ? backendOf(op, first) : undefined;
      const input = fromTypedArray(Int32Array.from(tokens), [tokens.length], { backend });
      const result = step(input, state);
      if (!Array.isArray(result) || result.length !== 2 || !(result[0] instanceof Tensor)) {
        throw new ValueError(`${op}: the step function must return [logits, state]`);
      }
      return result as readonly [Tensor, S];
    }),
  );
  try {
    if (logits.dtype !== 'float32') throw new DTypeError(`${op}: logits must be float32; got ${logits.dtype}`);
    if (logits.rank !== 2 || logits.shape[0] !== tokens.length || logits.shape[1]! < 1) {
      throw new ShapeError(`${op}: logits must be [${tokens.length}, vocabulary]; got ${fmtShape(logits.shape)}`);
    }
    const vocab = logits.shape[1]!;
    if (endToken >= vocab) throw new ShapeError(`${op}: endToken ${endToken} is outside the vocabulary of ${vocab} logits`);
    return { logProbs: logSoftmaxRows(await logits.data(), tokens.length, vocab), vocab, state: next };
  } catch (error) {
    // The new state never reaches the caller: free what the old state does not share.
    disposeReplaced(next, state, new Set());
    throw error;
  } finally {
    if (!stateTensors(next).has(logits)) logits.dispose();
  }
}

/** log-softmax of each row of [R, V] float32 values, in float64. */
export function logSoftmaxRows(values: ArrayLike<number>, rows: number, vocab: number): Float64Array {
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

/** Whether the end token is the only choice for a row that has generated `length` tokens. */
export const mustEnd = (length: number, maxLength: number): boolean => length + 1 >= maxLength;
