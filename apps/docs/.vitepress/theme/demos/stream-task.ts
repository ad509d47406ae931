// Demo 4: learning as values arrive. A noisy seasonal signal (period P) streams in one value at a
// time; an LSTM forecasts each value before it arrives, then learns from it by truncated BPTT
// (@recur/train), against seasonal-naive (the value P steps back). Halfway the signal changes
// shape, and the model has to re-learn it online. F = 4 features, H hidden size.

import { LSTM, Linear, Module, RecurrentStream, mseLoss } from '@recur/cells';
import { mulberry32 } from '@recur/datasets';
import { Adam } from '@recur/optim';
import { concat, fromTypedArray, init, manualSeed, scope, zeros, type Tensor } from '@recur/tensor';
import { TruncatedBPTT } from '@recur/train';
import type { DemoEvent, StreamSettings } from './protocol.js';

export { STREAM_DEFAULTS } from './stream-settings.js';

/** Each step reads the newest value and the values 1, 2 and 3 periods before the next one. */
const PERIODS = 3;
const FEATURES = 1 + PERIODS;

/**
 * `count` values of a seasonal signal with Gaussian noise of standard deviation `noise`: one
 * shape for the first half, another (a shifted phase, a second harmonic, a higher level) after.
 */
export function seasonalSignal(count: number, period: number, noise: number, seed = 1): number[] {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, (_, t) => {
    const phase = (2 * Math.PI * t) / period;
    const shape = t < count / 2 ? Math.sin(phase) : 0.6 + Math.sin(phase + 2) + 0.5 * Math.sin(2 * phase);
    return shape + noise * gaussian();
  });
}

/** LSTM over the step features, and a Linear head on [h_t, features] → a correction of seasonal-naive. */
class StreamForecaster extends Module {
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(hiddenSize: number) {
    super();
    this.lstm = this.registerModule('lstm', new LSTM({ inputSize: FEATURES, hiddenSize, batchFirst: true }));
    this.head = this.registerModule('head', new Linear({ inFeatures: hiddenSize + FEATURES, outFeatures: 1 }));
    // A zero head starts as seasonal-naive exactly; learning can only move it from there.
    init.zeros(this.head.weight);
    init.zeros(this.head.bias!);
  }

  initialState(batch: number): [Tensor, Tensor] {
    return [zeros([1, batch, this.lstm.hiddenSize]), zeros([1, batch, this.lstm.hiddenSize])];
  }

  forward(steps: Tensor, state: readonly [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    return scope(() => {
      const [out, next] = this.lstm.forward(steps, state);
      return [this.head.forward(concat([out, steps], 2)), next];
    });
  }
}

export interface StreamStep {
  /** The forecast made for this value before it arrived, and seasonal-naive's; null in the first period. */
  readonly expected: number | null;
  readonly naive: number | null;
  /** Optimizer updates so far. */
  readonly updates: number;
}

/** Predict first, then learn: every value is scored against a forecast made without it. */
export class OnlineLearner {
  readonly #model: StreamForecaster;
  readonly #stream: RecurrentStream<StreamForecaster>;
  readonly #optimizer: Adam;
  readonly #trainer: TruncatedBPTT<StreamForecaster>;
  readonly #history: number[] = [];
  #forecast: number | null = null;
  #naive: number | null = null;
  #updates = 0;

  constructor(
    readonly settings: StreamSettings,
    seed = 0,
  ) {
    manualSeed(seed);
    this.#model = new StreamForecaster(settings.hiddenSize);
    this.#stream = new RecurrentStream(this.#model, { batchSize: 1 });
    this.#optimizer = new Adam(this.#model.parameters(), { lr: settings.lr });
    this.#trainer = new TruncatedBPTT(this.#stream, {
      optimizer: this.#optimizer,
      loss: mseLoss,
      k1: settings.k1,
      k2: settings.k2,
      clipNorm: 1,
    });
  }

  get parameters(): number {
    return this.#model.numParameters();
  }

  async push(value: number): Promise<StreamStep> {
    const step: StreamStep = { expected: this.#forecast, naive: this.#naive, updates: this.#updates };
    if (this.#forecast !== null) {
      // The forecast was a correction of seasonal-naive: that correction is what is learned.
      const target = fromTypedArray(Float32Array.of(value - this.#naive!), [1, 1, 1]);
      this.#updates += (await this.#trainer.learn(target)).updates;
      target.dispose();
    }
    this.#history.push(value);
    const period = this.settings.period;
    const t = this.#history.length - 1;
    if (t + 1 >= period) {
      // x_{t+1−kP}, k = 1…3; a period not seen yet repeats the oldest one there is.
      const back = (k: number) => this.#history[t + 1 - Math.min(k, Math.floor((t + 1) / period)) * period]!;
      const features = Float32Array.of(value, back(1), back(2), back(3));
      const input = fromTypedArray(features, [1, 1, FEATURES]);
      const output = this.#trainer.predict(input);
      input.dispose();
      const correction = (await output.data())[0]!;
      output.dispose();
      this.#naive = back(1);
      this.#forecast = this.#naive + correction;
    }
    // Only P·(PERIODS + 1) values are ever read back.
    if (this.#history.length > 2 * period * (PERIODS + 1)) this.#history.splice(0, period * (PERIODS + 1));
    return { ...step, updates: this.#updates };
  }

  dispose(): void {
    this.#trainer.dispose();
    this.#optimizer.dispose();
    this.#stream.dispose();
    this.#model.dispose();
  }
}

export interface StreamOptions {
  readonly seed?: number;
  /** Milliseconds between values (the page's pace); 0 in tests. */
  readonly intervalMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Stream the signal through an online learner, emitting every value with both running errors. */
export async function streamLearn(settings: StreamSettings, emit: (event: DemoEvent) => void, options: StreamOptions = {}): Promise<void> {
  const values = seasonalSignal(settings.values, settings.period, settings.noise, options.seed ?? 1);
  const learner = new OnlineLearner(settings, options.seed ?? 0);
  const started = performance.now();
  let absolute = 0;
  let naiveAbsolute = 0;
  let scored = 0;
  try {
    emit({ type: 'status', message: `${learner.parameters} parameters` });
    for (let t = 0; t < values.length; t++) {
      const value = values[t]!;
      const step = await learner.push(value);
      if (step.expected !== null) {
        scored++;
        absolute += Math.abs(value - step.expected);
        naiveAbsolute += Math.abs(value - step.naive!);
      }
      emit({
        type: 'stream-value',
        t,
        value,
        expected: step.expected,
        naive: step.naive,
        mae: scored > 0 ? absolute / scored : null,
        naiveMae: scored > 0 ? naiveAbsolute / scored : null,
        updates: step.updates,
      });
      if (options.intervalMs) await pause(options.intervalMs);
    }
  } finally {
    learner.dispose();
  }
  emit({ type: 'done', seconds: (performance.now() - started) / 1000, steps: values.length });
}
