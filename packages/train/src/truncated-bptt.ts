// Online learning by truncated backpropagation through time, TBPTT(k1, k2) (Williams & Peng
// 1990; Sutskever 2013 §2.8.6): every k1 steps, one update whose gradient runs back k2 ≥ k1
// steps, from the state saved k2 steps ago and detached there; the loss is the last k1 steps'.

import type { RecurrentState, RecurrentStream, StateOf, StreamableModule } from '@recur/cells';
import { clipGradNormAsync, type Optimizer } from '@recur/optim';
import { ShapeError, Tensor, ValueError, concat, enableGrad, fmtShape, keep, narrow, noGrad, scope } from '@recur/tensor';
import { RunningMeans, type RunningMetrics } from './running-metrics.js';
import { StepBuffer } from './step-buffer.js';

/** A mean over the given steps' predictions and targets, as a scalar tensor. */
export type StepLoss = (output: Tensor, target: Tensor) => Tensor;

export interface UpdateInfo {
  /** Mean training loss of the update (its last k1 steps, re-run from k2 steps back). */
  readonly loss: number;
  /** Total gradient norm before clipping; null when clipping is off. */
  readonly gradNorm: number | null;
  /** 1-based count of updates since the trainer was made. */
  readonly update: number;
}

export interface TruncatedBPTTOptions {
  readonly optimizer: Optimizer;
  /** Training loss of a block of steps: output and target with the stream's layout. */
  readonly loss: StepLoss;
  /** Steps between updates (≥ 1). */
  readonly k1: number;
  /** Steps the gradient runs back (≥ k1); default k1, the classic chunked loop. */
  readonly k2?: number;
  /** clip_grad_norm_ before each step; 0 (default) turns it off. */
  readonly clipNorm?: number;
  /** Extra prequential metrics, each a mean over the given steps (e.g. mean absolute error). */
  readonly metrics?: Readonly<Record<string, StepLoss>>;
  /** Called after backward and clipping, before the optimizer step; throwing skips the step. */
  readonly beforeStep?: (info: UpdateInfo) => void | Promise<void>;
}

export interface LearnResult {
  /** Prequential loss of these steps' predictions (made before their targets were learned from). */
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** Optimizer updates made while learning these steps. */
  readonly updates: number;
}

export interface StepResult extends LearnResult {
  /** The predictions for the steps fed, with the stream's layout (the caller owns them). */
  readonly output: Tensor;
}

export class TruncatedBPTT<M extends StreamableModule = StreamableModule> {
  readonly k1: number;
  readonly k2: number;
  readonly clipNorm: number;
  readonly #optimizer: Optimizer;
  readonly #loss: StepLoss;
  readonly #metrics: readonly [string, StepLoss][];
  readonly #beforeStep: TruncatedBPTTOptions['beforeStep'];
  readonly #running = new RunningMeans();
  /** Steps fed (predicted) and steps learned (targets received) since the last reset. */
  #seen = 0;
  #learned = 0;
  #updates = 0;
  /** Detached stream states by step t (the state after t steps), where a window will start. */
  #starts = new Map<number, StateOf<M>>();
  readonly #inputs: StepBuffer;
  readonly #outputs: StepBuffer;
  readonly #targets: StepBuffer;

  constructor(
    readonly stream: RecurrentStream<M>,
    options: TruncatedBPTTOptions,
  ) {
    const k1 = options.k1;
    const k2 = options.k2 ?? k1;
    if (!Number.isInteger(k1) || k1 < 1) throw new ValueError(`TruncatedBPTT: k1 must be an integer ≥ 1; got ${k1}`);
    if (!Number.isInteger(k2) || k2 < k1) throw new ValueError(`TruncatedBPTT: k2 must be an integer ≥ k1 = ${k1}; got ${k2}`);
    const clipNorm = options.clipNorm ?? 0;
    if (!(clipNorm >= 0)) throw new ValueError(`TruncatedBPTT: clipNorm must be ≥ 0 (0 turns clipping off); got ${clipNorm}`);
    if (!stream.detach)
      throw new ValueError('TruncatedBPTT: the stream must detach its state (detach: true); the trainer cuts the graph itself');
    if (typeof options.loss !== 'function')
      throw new ValueError(`TruncatedBPTT: loss must be a function (output, target) → scalar; got ${typeof options.loss}`);
    this.k1 = k1;
    this.k2 = k2;
    this.clipNorm = clipNorm;
    this.#optimizer = options.optimizer;
    this.#loss = options.loss;
    this.#metrics = Object.entries(options.metrics ?? {});
    this.#beforeStep = options.beforeStep;
    this.#inputs = new StepBuffer(stream.timeAxis);
    this.#outputs = new StepBuffer(stream.timeAxis);
    this.#targets = new StepBuffer(stream.timeAxis);
  }

  /** Prequential running means since the last reset (or `resetMetrics`). */
  get running(): RunningMetrics {
    return this.#running.snapshot();
  }

  /** Steps fed but not yet learned from (waiting for their targets). */
  get pending(): number {
    return this.#seen - this.#learned;
  }

  /**
   * Feed a chunk and learn from its targets at once: predictions first (prequential), an update
   * every k1 steps. With k1 = k2 and no pending steps a whole window is one forward pass.
   */
  async step(input: Tensor, target: Tensor): Promise<StepResult> {
    this.#checkTarget('step', target, input.shape[this.stream.timeAxis] ?? 0, input);
    const axis = this.stream.timeAxis;
    const steps = input.shape[axis]!;
    const outputs: Tensor[] = [];
    let done = 0;
    let lossSum = 0;
    let updates = 0;
    const metricSums = new Map<string, number>();
    const add = (n: number, r: LearnResult) => {
      lossSum += r.loss * n;
      updates += r.updates;
      for (const [k, v] of Object.entries(r.metrics)) metricSums.set(k, (metricSums.get(k) ?? 0) + v * n);
    };
    try {
      // The fast path: the window is exactly the next k1 steps, so they run once, with the graph.
      while (this.k1 === this.k2 && this.pending === 0 && this.#seen % this.k1 === 0 && steps - done >= this.k1) {
        const n = this.k1;
        const x = narrow(input, axis, done, n);
        const y = narrow(target, axis, done, n);
        try {
          const result = await this.#trainWindow(x, y);
          outputs.push(result.output);
          add(n, result);
        } finally {
          x.dispose();
          y.dispose();
        }
        done += n;
      }
      if (done < steps) {
        const x = narrow(input, axis, done, steps - done);
        const y = narrow(target, axis, done, steps - done);
        try {
          outputs.push(this.predict(x));
          add(steps - done, await this.learn(y));
        } finally {
          x.dispose();
          y.dispose();
        }
      }
    } catch (error) {
      outputs.forEach((t) => t.dispose());
      throw error;
    }
    const mean = (s: number) => s / steps;
    return {
      output: joinParts(outputs, axis),
      loss: mean(lossSum),
      metrics: Object.fromEntries([...metricSums].map(([k, v]) => [k, mean(v)])),
      updates,
    };
  }

  /** Predict a chunk (no learning yet): the stream advances; the targets come later via `learn`. */
  predict(input: Tensor): Tensor {
    const axis = this.stream.timeAxis;
    if (!(input instanceof Tensor)) throw new ValueError(`TruncatedBPTT.predict: expected a Tensor; got ${typeof input}`);
    const steps = input.shape[axis] ?? 0;
    const parts: Tensor[] = [];
    let done = 0;
    while (done < steps) {
      this.#recordStart();
      const n = Math.min(steps - done, this.#nextRecordPoint() - this.#seen);
      const chunk = narrow(input, axis, done, n);
      const out = noGrad(() => this.stream.forward(chunk));
      this.#inputs.push(this.#seen, chunk);
      this.#outputs.push(this.#seen, out);
      chunk.dispose();
      parts.push(out);
      this.#seen += n;
      done += n;
    }
    if (parts.length === 0) throw new ShapeError(`TruncatedBPTT.predict: expected at least one step; got ${fmtShape(input.shape)}`);
    return joinParts(parts, axis);
  }

  /** The targets of the oldest pending steps: score them (prequential), update every k1 steps. */
  async learn(target: Tensor): Promise<LearnResult> {
    const axis = this.stream.timeAxis;
    if (!(target instanceof Tensor)) throw new ValueError(`TruncatedBPTT.learn: expected a Tensor; got ${typeof target}`);
    const steps = target.shape[axis] ?? 0;
    if (steps < 1 || steps > this.pending) {
      throw new ShapeError(
        `TruncatedBPTT.learn: got targets for ${steps} steps (shape ${fmtShape(target.shape)}); ${this.pending} predicted steps wait for targets`,
      );
    }
    this.#checkTarget('learn', target, steps, null);
    let done = 0;
    let lossSum = 0;
    let updates = 0;
    const metricSums = new Map<string, number>();
    while (done < steps) {
      const boundary = (Math.floor(this.#learned / this.k1) + 1) * this.k1;
      const n = Math.min(steps - done, boundary - this.#learned);
      const tgt = narrow(target, axis, done, n);
      const predicted = this.#outputs.take(this.#learned, this.#learned + n);
      let scored: LearnResult;
      try {
        scored = await this.#score(predicted, tgt, true);
        this.#targets.push(this.#learned, tgt);
      } finally {
        predicted.dispose();
        tgt.dispose();
      }
      lossSum += scored.loss * n;
      for (const [k, v] of Object.entries(scored.metrics)) metricSums.set(k, (metricSums.get(k) ?? 0) + v * n);
      this.#learned += n;
      this.#outputs.dropBefore(this.#learned);
      done += n;
      if (this.#learned === boundary) {
        await this.#update(boundary);
        updates++;
      }
    }
    return { loss: lossSum / steps, metrics: Object.fromEntries([...metricSums].map(([k, v]) => [k, v / steps])), updates };
  }

  /**
   * End of a series (an epoch, a file): one last update from the steps learned since the
   * previous update, if any (gradient at most k2 steps back), then `reset()`. Returns the
   * number of updates made (0 or 1).
   */
  async flush(): Promise<number> {
    const last = Math.floor(this.#learned / this.k1) * this.k1;
    let updates = 0;
    if (this.#learned > last) {
      await this.#learnWindow(Math.max(0, last + this.k1 - this.k2), this.#learned, last);
      updates = 1;
    }
    this.reset();
    return updates;
  }

  /** Start over: every stream to its initial state, pending steps and held history dropped. */
  reset(): void {
    this.stream.reset();
    this.#clear();
  }

  resetMetrics(): void {
    this.#running.reset();
  }

  dispose(): void {
    this.#clear();
  }

  #clear(): void {
    this.#seen = 0;
    this.#learned = 0;
    for (const state of this.#starts.values()) disposeState(state);
    this.#starts.clear();
    this.#inputs.clear();
    this.#outputs.clear();
    this.#targets.clear();
  }

  /** A window starts k2 steps before each boundary (multiples of k1), or at step 0. */
  #isRecordPoint(t: number): boolean {
    return t === 0 || (t + this.k2) % this.k1 === 0;
  }

  #nextRecordPoint(): number {
    let t = this.#seen + 1;
    while (!this.#isRecordPoint(t)) t++;
    return t;
  }

  #recordStart(): void {
    if (!this.#isRecordPoint(this.#seen) || this.#starts.has(this.#seen)) return;
    const state = this.stream.getState();
    stateList(state).forEach((t) => keep(t));
    this.#starts.set(this.#seen, state);
  }

  /** A boundary b = m·k1: re-run steps [b − k2, b) from the saved state, learn from [b − k1, b). */
  async #update(boundary: number): Promise<void> {
    await this.#learnWindow(Math.max(0, boundary - this.k2), boundary, boundary - this.k1);
    // The next window starts at boundary + k1 − k2: older states, inputs and targets go.
    const nextFrom = Math.max(0, boundary + this.k1 - this.k2);
    for (const [t, state] of this.#starts) {
      if (t < nextFrom) {
        disposeState(state);
        this.#starts.delete(t);
      }
    }
    this.#inputs.dropBefore(nextFrom);
    this.#targets.dropBefore(boundary);
  }

  /** Re-run steps [from, to) from the state saved after step `from`, graph on; loss on [lossFrom, to). */
  async #learnWindow(from: number, to: number, lossFrom: number): Promise<void> {
    const start = this.#starts.get(from);
    if (!start) throw new ValueError(`TruncatedBPTT: no saved state at step ${from} (internal bookkeeping)`);
    const axis = this.stream.timeAxis;
    const loss = scope(() =>
      enableGrad(() => {
        const [output] = this.stream.module.forward(this.#inputs.take(from, to), start);
        const last = narrow(output, axis, lossFrom - from, to - lossFrom);
        return this.#loss(last, this.#targets.take(lossFrom, to));
      }),
    );
    await this.#applyUpdate(loss);
  }

  /** The k1 = k2 window run once from the stream's own state: prediction and training in one pass. */
  async #trainWindow(input: Tensor, target: Tensor): Promise<StepResult> {
    const { output, loss } = scope(() =>
      enableGrad(() => {
        const out = this.stream.forward(input);
        return { output: out, loss: this.#loss(out, target) };
      }),
    );
    try {
      const value = (await loss.data())[0]!;
      const scored = await this.#score(output, target, true, value);
      await this.#applyUpdate(loss, value);
      this.#seen += this.k1;
      this.#learned += this.k1;
      const detached = output.detach();
      return { output: detached, loss: value, metrics: scored.metrics, updates: 1 };
    } finally {
      output.dispose();
    }
  }

  /** backward → clip → beforeStep → optimizer step; the loss tensor is freed. */
  async #applyUpdate(loss: Tensor, known?: number): Promise<void> {
    try {
      this.#optimizer.zeroGrad();
      loss.backward();
      const params = this.#optimizer.paramGroups.flatMap((g) => g.params);
      const gradNorm = this.clipNorm > 0 ? await clipGradNormAsync(params, this.clipNorm) : null;
      const value = known ?? (await loss.data())[0]!;
      this.#updates++;
      await this.#beforeStep?.({ loss: value, gradNorm, update: this.#updates });
      this.#optimizer.step();
      this.#running.countUpdate();
    } finally {
      loss.dispose();
    }
  }

  /**
   * Prequential loss and metrics of predictions already made; `count` adds them to the running
   * means. `knownLoss` (the fast path's training loss, the same number) skips recomputing it.
   */
  async #score(output: Tensor, target: Tensor, count: boolean, knownLoss?: number): Promise<LearnResult> {
    if (knownLoss !== undefined && this.#metrics.length === 0) {
      if (count) this.#running.add(output.shape[this.stream.timeAxis]!, knownLoss, {});
      return { loss: knownLoss, metrics: {}, updates: 0 };
    }
    const values = noGrad(() =>
      scope(() => [...(knownLoss === undefined ? [this.#loss(output, target)] : []), ...this.#metrics.map(([, f]) => f(output, target))]),
    );
    try {
      const numbers: number[] = knownLoss === undefined ? [] : [knownLoss];
      for (const v of values) numbers.push((await v.data())[0]!);
      const metrics = Object.fromEntries(this.#metrics.map(([name], i) => [name, numbers[i + 1]!]));
      if (count) this.#running.add(output.shape[this.stream.timeAxis]!, numbers[0]!, metrics);
      return { loss: numbers[0]!, metrics, updates: 0 };
    } finally {
      values.forEach((v) => v.dispose());
    }
  }

  #checkTarget(where: string, target: Tensor, steps: number, input: Tensor | null): void {
    if (!(target instanceof Tensor)) throw new ValueError(`TruncatedBPTT.${where}: expected a target Tensor; got ${typeof target}`);
    const { timeAxis, batchAxis, batchSize } = this.stream;
    if (input && !(input instanceof Tensor)) throw new ValueError(`TruncatedBPTT.${where}: expected an input Tensor; got ${typeof input}`);
    if (target.rank < 2 || target.shape[timeAxis] !== steps || target.shape[batchAxis] !== batchSize) {
      const layout = this.stream.batchFirst ? `[${batchSize}, ${steps}, …]` : `[${steps}, ${batchSize}, …]`;
      throw new ShapeError(
        `TruncatedBPTT.${where}: expected targets ${layout} (batch ${batchSize}, ${steps} steps); got ${fmtShape(target.shape)}`,
      );
    }
  }
}

/** One tensor from per-chunk parts (the parts are freed). */
function joinParts(parts: readonly Tensor[], axis: number): Tensor {
  if (parts.length === 1) return parts[0]!;
  const joined = concat(parts, axis);
  parts.forEach((t) => t.dispose());
  return joined;
}

function stateList(state: RecurrentState): readonly Tensor[] {
  return state instanceof Tensor ? [state] : state;
}

function disposeState(state: RecurrentState): void {
  stateList(state).forEach((t) => t.dispose());
}
