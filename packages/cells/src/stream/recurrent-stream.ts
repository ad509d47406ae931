// RecurrentStream: a stateful wrapper (Keras/tfjs `stateful: true`) around any recurrent layer,
// stack or model whose forward is `(input, state) → [output, state]`. B streams are the rows
// of one batch; each call feeds one step or a chunk of T steps and carries the state on.

import { ShapeError, Tensor, ValueError, backendOf, fmtShape, keep, noGrad, scope, zeros } from '@recur/tensor';
import { Module } from '../module.js';
import { RecurrentBase } from '../rnn/layers.js';
import {
  appendRows,
  checkRows,
  checkState,
  readRows,
  sameStructure,
  stateTensors,
  writeRows,
  type RecurrentState,
} from './stream-state.js';
import { decodeStreamState, encodeStreamState } from './stream-file.js';

/** What a stream can wrap: RNN, GRU (state h), LSTM (state [h, c]), or a model built on them. */
export interface StreamableModule {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module names its own state type
  forward(input: Tensor, state?: any): readonly [Tensor, unknown];
}

/** The state type a module's forward takes: Tensor for RNN/GRU, readonly [Tensor, Tensor] for LSTM. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matched, never used as a value
export type StateOf<M> = M extends { forward(input: any, state?: infer S): any }
  ? NonNullable<S> extends RecurrentState
    ? NonNullable<S>
    : RecurrentState
  : RecurrentState;

export interface RecurrentStreamOptions<S extends RecurrentState = RecurrentState> {
  /** Streams (batch rows) to start with; default 1. */
  readonly batchSize?: number;
  /** Input and output are [B, T, …] rather than [T, B, …]; default: the module's own setting. */
  readonly batchFirst?: boolean;
  /** The state a new or reset stream starts from, for `batch` rows; default zeros (or the module's `initialState`). */
  readonly initialState?: (batch: number) => S;
  /** Cut the graph at every call (default true); false lets training run back through earlier calls. */
  readonly detach?: boolean;
}

export interface FeedOptions {
  /** Feed only these streams (the input's batch has rows.length rows, in this order). */
  readonly rows?: readonly number[];
}

/** Thrown for a module whose state cannot be carried forward in time (a bidirectional layer). */
export class NotStreamableError extends ValueError {}

export class RecurrentStream<M extends StreamableModule = StreamableModule> {
  readonly module: M;
  readonly batchFirst: boolean;
  readonly detach: boolean;
  readonly #initial: (batch: number) => StateOf<M>;
  #state: readonly Tensor[];
  #single: boolean;

  constructor(module: M, options: RecurrentStreamOptions<StateOf<M>> = {}) {
    if (module === null || typeof module !== 'object' || typeof module.forward !== 'function') {
      throw new ValueError(
        `RecurrentStream: expected a module with forward(input, state); got ${module === null ? 'null' : typeof module}`,
      );
    }
    rejectBidirectional(module);
    const batch = options.batchSize ?? 1;
    if (!Number.isInteger(batch) || batch < 0)
      throw new ValueError(`RecurrentStream: batchSize must be a non-negative integer; got ${batch}`);
    this.module = module;
    this.batchFirst = options.batchFirst ?? batchFirstOf(module);
    this.detach = options.detach ?? true;
    this.#initial = options.initialState ?? defaultInitialState<StateOf<M>>(module);
    const first: RecurrentState = this.#initial(batch);
    this.#single = first instanceof Tensor;
    this.#state = this.#own(stateTensors(first), `initialState(${batch})`, batch);
  }

  /** Number of streams (rows of the batch). */
  get batchSize(): number {
    return this.#state[0]!.shape[1]!;
  }

  /** Time axis of inputs and outputs: 1 with batchFirst, 0 otherwise. */
  get timeAxis(): number {
    return this.batchFirst ? 1 : 0;
  }

  get batchAxis(): number {
    return this.batchFirst ? 0 : 1;
  }

  /**
   * Feed a chunk ([T, B, …], or [B, T, …] with batchFirst) to every stream, or to `rows` only,
   * and return the module's output for it; the state after the last step is carried to the next
   * call (detached unless `detach: false`). Gradients flow to the parameters as usual.
   */
  forward(input: Tensor, options: FeedOptions = {}): Tensor {
    const rows = options.rows === undefined ? null : checkRows('RecurrentStream.forward', options.rows, this.batchSize);
    this.#checkInput('forward', input, rows ? rows.length : this.batchSize, 2);
    const current = this.#state;
    const { output, next } = scope(() => {
      const start = rows ? current.map((t) => readRows(t, rows)) : current;
      const [out, after] = this.module.forward(input, sameStructure(this.#structure(), start));
      const carried = checkState('RecurrentStream.forward (the module returned)', start, after as RecurrentState, this.#single).map((t) =>
        this.detach ? t.detach() : t,
      );
      return { output: out, next: rows ? carried.map((t, i) => writeRows(current[i]!, rows, t)) : carried };
    });
    this.#replace(next);
    return output;
  }

  /** Feed one time step [B, …] (no time axis) and return its output [B, …]. */
  step(input: Tensor, options: FeedOptions = {}): Tensor {
    if (!(input instanceof Tensor) || input.rank < 1)
      throw new ShapeError(`RecurrentStream.step: expected one step [batch, …]; got ${describe(input)}`);
    const axis = this.timeAxis;
    // Plain views disposed by hand: a scope here costs more than the bookkeeping it saves.
    const chunk = input.unsqueeze(axis);
    try {
      const output = this.forward(chunk, options);
      const step = output.squeeze(axis);
      output.dispose();
      return step;
    } finally {
      chunk.dispose();
    }
  }

  /** Put every stream (or only `rows`) back to its initial state; other rows are untouched. */
  reset(rows?: readonly number[]): void {
    if (rows === undefined) {
      this.#replace(this.#own(stateTensors(this.#initial(this.batchSize)), 'reset', this.batchSize));
      return;
    }
    checkRows('RecurrentStream.reset', rows, this.batchSize);
    if (rows.length === 0) return;
    const fresh = this.#own(stateTensors(this.#initial(rows.length)), 'reset', rows.length);
    const current = this.#state;
    this.#replace(noGrad(() => scope(() => current.map((t, i) => writeRows(t, rows, fresh[i]!)))));
    fresh.forEach((t) => t.dispose());
  }

  /** Open `count` new streams from the initial state; returns their row indices. */
  addStreams(count = 1): number[] {
    if (!Number.isInteger(count) || count < 1)
      throw new ValueError(`RecurrentStream.addStreams: count must be a positive integer; got ${count}`);
    const before = this.batchSize;
    const fresh = this.#own(stateTensors(this.#initial(count)), 'addStreams', count);
    const current = this.#state;
    this.#replace(before === 0 ? fresh : noGrad(() => scope(() => current.map((t, i) => appendRows(t, fresh[i]!)))));
    if (before !== 0) fresh.forEach((t) => t.dispose());
    return Array.from({ length: count }, (_, k) => before + k);
  }

  /** Close the listed streams; the remaining rows close up in order (as Array.splice would). */
  removeStreams(rows: readonly number[]): void {
    checkRows('RecurrentStream.removeStreams', rows, this.batchSize);
    if (rows.length === 0) return;
    const gone = new Set(rows);
    const kept = Array.from({ length: this.batchSize }, (_, r) => r).filter((r) => !gone.has(r));
    if (kept.length === 0) {
      this.#replace(this.#own(stateTensors(this.#initial(0)), 'removeStreams', 0));
      return;
    }
    const current = this.#state;
    this.#replace(noGrad(() => scope(() => current.map((t) => readRows(t, kept)))));
  }

  /** A copy of the state (h, or [h, c]) of every stream, or of `rows`; the caller owns it. */
  getState(options: FeedOptions = {}): StateOf<M> {
    const rows = options.rows === undefined ? null : checkRows('RecurrentStream.getState', options.rows, this.batchSize);
    const current = this.#state;
    return sameStructure(
      this.#structure() as StateOf<M>,
      scope(() => current.map((t) => (rows ? readRows(t, rows) : t.clone()).detach())),
    );
  }

  /** Overwrite the state of every stream (or of `rows`) with copies of `state`; shapes are checked. */
  setState(state: StateOf<M>, options: FeedOptions = {}): void {
    const rows = options.rows === undefined ? null : checkRows('RecurrentStream.setState', options.rows, this.batchSize);
    const expected = rows ? this.#state.map((t) => rowShaped(t, rows.length)) : this.#state;
    const given = checkState('RecurrentStream.setState', expected, state, this.#single);
    const current = this.#state;
    this.#replace(noGrad(() => scope(() => given.map((t, i) => (rows ? writeRows(current[i]!, rows, t) : t.clone())))));
  }

  /** Cut the graph behind the state (for `detach: false` streams, at a truncation boundary). */
  detachState(): void {
    this.#replace(this.#state.map((t) => t.detach()));
  }

  /**
   * The state as safetensors bytes (`state.0`, `state.1`, … with PyTorch's h_n layout), so a
   * stream survives a restart; `metadata` (strings) is stored beside it.
   */
  saveState(metadata: Readonly<Record<string, string>> = {}): Promise<Uint8Array> {
    return encodeStreamState(this.#state, metadata);
  }

  /**
   * Restore a state written by `saveState` (any number of streams: the file's rows replace the
   * current ones). Throws a FormatError for a file that is not one, a ShapeError for a state of
   * another module; nothing changes unless everything fits. Returns the stored metadata.
   */
  loadState(bytes: Uint8Array, options: { source?: string } = {}): Readonly<Record<string, string>> {
    const source = options.source ?? 'stream state';
    const { tensors, metadata } = decodeStreamState(bytes, source);
    try {
      const rows = tensors[0]!.shape[1] ?? -1;
      const expected = this.#state.map((t) => rowShaped(t, rows));
      checkState(`loadState (${source})`, expected, this.#single ? tensors[0]! : tensors, this.#single);
      if (tensors.length !== expected.length) checkState(`loadState (${source})`, expected, tensors, false);
    } catch (error) {
      tensors.forEach((t) => t.dispose());
      throw error;
    }
    this.#replace(tensors);
    return metadata;
  }

  dispose(): void {
    this.#state.forEach((t) => t.dispose());
  }

  #structure(): RecurrentState {
    return this.#single ? this.#state[0]! : this.#state;
  }

  /** Take ownership of freshly made state tensors after checking they have `batch` rows. */
  #own(tensors: readonly Tensor[], where: string, batch: number): readonly Tensor[] {
    if (tensors.length === 0) throw new ValueError(`RecurrentStream: ${where} returned no state tensors`);
    for (const t of tensors) {
      if (!(t instanceof Tensor) || t.rank < 2 || t.shape[1] !== batch) {
        throw new ShapeError(`RecurrentStream: ${where} must give state tensors [layers, ${batch}, …]; got ${describe(t)}`);
      }
    }
    if (this.#state !== undefined) {
      const expected = this.#state.map((t) => rowShaped(t, batch));
      checkState(`RecurrentStream: ${where}`, expected, this.#single ? tensors[0]! : tensors, this.#single);
    }
    return tensors.map((t) => keep(t));
  }

  #replace(next: readonly Tensor[]): void {
    const old = this.#state;
    this.#state = next.map((t) => keep(t));
    old?.forEach((t) => {
      if (!next.includes(t)) t.dispose();
    });
  }

  #checkInput(where: string, input: Tensor, batch: number, minRank: number): void {
    if (!(input instanceof Tensor)) throw new ValueError(`RecurrentStream.${where}: expected a Tensor; got ${describe(input)}`);
    const layout = this.batchFirst ? '[batch, time, …]' : '[time, batch, …]';
    if (input.rank < minRank || input.shape[this.batchAxis] !== batch || input.shape[this.timeAxis] === 0) {
      throw new ShapeError(
        `RecurrentStream.${where}: expected ${layout} with batch ${batch} and at least one step; got ${fmtShape(input.shape)}`,
      );
    }
  }
}

function rowShaped(t: Tensor, rows: number): Tensor {
  return { shape: t.shape.map((d, axis) => (axis === 1 ? rows : d)), rank: t.rank, dtype: t.dtype } as unknown as Tensor;
}

function describe(value: unknown): string {
  return value instanceof Tensor ? `a tensor ${fmtShape(value.shape)}` : value === null ? 'null' : typeof value;
}

/** Bidirectional layers read the future, so a stream cannot carry them forward step by step. */
function rejectBidirectional(module: object): void {
  const layers = module instanceof Module ? module.namedModules() : [];
  for (const [name, m] of layers) {
    if (m instanceof RecurrentBase && m.bidirectional) {
      throw new NotStreamableError(
        `RecurrentStream: ${name ? `'${name}' is a` : 'a'} bidirectional ${m.mode} layer, which needs the whole sequence; expected bidirectional: false`,
      );
    }
  }
}

function firstRecurrent(module: object): RecurrentBase | null {
  if (module instanceof RecurrentBase) return module;
  if (!(module instanceof Module)) return null;
  return (module.namedModules().find(([, m]) => m instanceof RecurrentBase)?.[1] as RecurrentBase | undefined) ?? null;
}

function batchFirstOf(module: object): boolean {
  const own = (module as { batchFirst?: unknown }).batchFirst;
  if (typeof own === 'boolean') return own;
  return firstRecurrent(module)?.batchFirst ?? false;
}

/** Zeros of PyTorch's h_0/c_0 shapes for a layer, or the model's own `initialState(batch)`. */
function defaultInitialState<S extends RecurrentState>(module: object): (batch: number) => S {
  if (module instanceof RecurrentBase) {
    return (batch) => {
      const rows = module.numLayers * module.numDirections;
      // On the layer's backend, which need not be the active one.
      const backend = backendOf('RecurrentStream', ...module.parameters());
      const h = zeros([rows, batch, module.outputSize], { backend });
      return (module.mode === 'LSTM' ? [h, zeros([rows, batch, module.hiddenSize], { backend })] : h) as unknown as S;
    };
  }
  const own = (module as { initialState?: unknown }).initialState;
  if (typeof own === 'function') return (batch) => (own as (b: number) => S).call(module, batch);
  throw new ValueError(
    'RecurrentStream: cannot tell the state shape of this module; give options.initialState(batch) or a module with initialState(batch)',
  );
}
