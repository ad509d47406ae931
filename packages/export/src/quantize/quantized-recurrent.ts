// RNN / LSTM / GRU with compressed weights (PyTorch's dynamic quantized LSTM and GRU): W_ih,
// W_hh (and a projected LSTM's W_hr) of every layer and direction int8 with per-row scales, or
// float16; biases float32. They stay instances of the float classes, so code that asks
// `instanceof LSTM` keeps working. A padded batch on a backend with the int8/float16 linear
// kernel runs the quantised scan (quantized-scan.ts); anything else (packed sequences, no
// kernel) dequantises the weights for the call and runs the float layer.

import { checkOptions, noGrad, type Tensor } from '@recur/tensor';
import {
  GRU,
  LSTM,
  Parameter,
  RNN,
  type DirectionWeights,
  type RecurrentBase,
  type RecurrentOptions,
  type Nonlinearity,
} from '@recur/cells';
import { QuantizedWeight, type QuantizedDType } from './quantized-weight.js';
import { checkDType, checkReplacement, holdRandomState, releaseRandomState, zeroWeight, type QuantizedModule } from './quantized-module.js';
import { quantizedScan, canRunQuantizedScan } from './quantized-scan.js';

/** A Tensor or a PackedSequence (@recur/sequence), what the float layers take. */
type PackedSequence = Exclude<Parameters<LSTM['forward']>[0], Tensor>;

export interface QuantizedRecurrentOptions extends RecurrentOptions {
  /** Storage of the weights (default 'int8'). */
  readonly dtype?: QuantizedDType;
}

const RECURRENT_KEYS = ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'residual', 'dtype'];

/** One direction's compressed weights. */
export interface QuantizedDirection {
  readonly weightIh: QuantizedWeight;
  readonly weightHh: QuantizedWeight;
  readonly weightHr: QuantizedWeight | null;
}

type Unregister = (name: string) => void;

/** The compressed weights of a recurrent layer, by state-dict name, and the float view of them. */
export class RecurrentWeights {
  readonly byName = new Map<string, QuantizedWeight>();

  constructor(
    readonly layer: RecurrentBase,
    readonly dtype: QuantizedDType,
    floatWeights: readonly (readonly DirectionWeights[])[],
    unregister: Unregister,
  ) {
    floatWeights.forEach((directions, l) =>
      directions.forEach((w, d) => {
        const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
        for (const [name, parameter] of [
          ['weight_ih', w.weightIh],
          ['weight_hh', w.weightHh],
          ['weight_hr', w.weightHr],
        ] as const) {
          if (!parameter) continue;
          this.byName.set(`${name}${suffix}`, zeroWeight(dtype, parameter.shape[0]!, parameter.shape[1]!));
          unregister(`${name}${suffix}`);
        }
      }),
    );
  }

  direction(l: number, d: number): QuantizedDirection {
    const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return {
      weightIh: this.byName.get(`weight_ih${suffix}`)!,
      weightHh: this.byName.get(`weight_hh${suffix}`)!,
      weightHr: this.byName.get(`weight_hr${suffix}`) ?? null,
    };
  }

  /** Compress the float layer's weights into these. */
  async copyFrom(source: RecurrentBase): Promise<void> {
    const own = source.stateDict();
    for (const name of this.byName.keys()) this.byName.set(name, await QuantizedWeight.fromTensor(own[name]!, this.dtype));
  }

  set(name: string, weight: QuantizedWeight): void {
    checkReplacement(
      `Quantized${this.layer.mode === 'LSTM' || this.layer.mode === 'GRU' ? this.layer.mode : 'RNN'}`,
      name,
      this.byName.get(name),
      weight,
    );
    this.byName.get(name)!.dispose();
    this.byName.set(name, weight);
  }

  /**
   * Runs `body` with `weights` (the layer's own DirectionWeights, whose float matrices were
   * dropped) holding float32 matrices dequantised for the call, then frees them.
   */
  withFloatWeights<T>(weights: DirectionWeights[][], body: () => T): T {
    const saved = weights.map((directions) => [...directions]);
    const made: Parameter[] = [];
    const float = (weight: QuantizedWeight): Parameter => {
      const parameter = new Parameter(weight.dequantize(), { requiresGrad: false });
      made.push(parameter);
      return parameter;
    };
    try {
      weights.forEach((directions, l) =>
        directions.forEach((w, d) => {
          const q = this.direction(l, d);
          directions[d] = {
            ...w,
            weightIh: float(q.weightIh),
            weightHh: float(q.weightHh),
            weightHr: q.weightHr ? float(q.weightHr) : null,
          };
        }),
      );
      return noGrad(body);
    } finally {
      weights.forEach((directions, l) => saved[l]!.forEach((w, d) => (directions[d] = w)));
      for (const parameter of made) parameter.dispose();
    }
  }

  dispose(): void {
    for (const weight of this.byName.values()) weight.dispose();
  }
}

function recurrentOptions(
  name: string,
  options: QuantizedRecurrentOptions & { projSize?: number; nonlinearity?: Nonlinearity },
  extra: string[],
) {
  const { dtype, ...rest } = checkOptions(name, options, [...RECURRENT_KEYS, ...extra]);
  return { dtype: checkDType(name, dtype), rest };
}

export class QuantizedLSTM extends LSTM implements QuantizedModule {
  readonly weightDType: QuantizedDType;
  readonly compressed: RecurrentWeights;

  constructor(options: QuantizedRecurrentOptions & { projSize?: number }) {
    const { dtype, rest } = recurrentOptions('QuantizedLSTM', options, ['projSize']);
    super(holdRandomState(rest));
    releaseRandomState();
    this.weightDType = dtype;
    this.compressed = new RecurrentWeights(this, dtype, this.weights, (name) => this.registerParameter(name, null));
  }

  static async fromFloat(lstm: LSTM, dtype: QuantizedDType = 'int8'): Promise<QuantizedLSTM> {
    const twin = new QuantizedLSTM({ ...layerOptions(lstm), projSize: lstm.projSize, dtype });
    await copyLayer(twin, twin.compressed, lstm);
    return twin;
  }

  quantizedWeights(): ReadonlyMap<string, QuantizedWeight> {
    return this.compressed.byName;
  }

  setQuantizedWeight(name: string, weight: QuantizedWeight): void {
    this.compressed.set(name, weight);
  }

  override forward<I extends Tensor | PackedSequence>(input: I, state?: readonly [Tensor, Tensor]): [I, [Tensor, Tensor]] {
    if (canRunQuantizedScan(this, input)) {
      const r = quantizedScan(this, this.compressed, this.weights, input as Tensor, state?.[0], state?.[1]);
      return [r.output as I, [r.h, r.c!]];
    }
    return this.compressed.withFloatWeights(this.weights, () => super.forward(input, state));
  }

  override dispose(): void {
    this.compressed.dispose();
    super.dispose();
  }
}

export class QuantizedGRU extends GRU implements QuantizedModule {
  readonly weightDType: QuantizedDType;
  readonly compressed: RecurrentWeights;

  constructor(options: QuantizedRecurrentOptions) {
    const { dtype, rest } = recurrentOptions('QuantizedGRU', options, []);
    super(holdRandomState(rest));
    releaseRandomState();
    this.weightDType = dtype;
    this.compressed = new RecurrentWeights(this, dtype, this.weights, (name) => this.registerParameter(name, null));
  }

  static async fromFloat(gru: GRU, dtype: QuantizedDType = 'int8'): Promise<QuantizedGRU> {
    const twin = new QuantizedGRU({ ...layerOptions(gru), dtype });
    await copyLayer(twin, twin.compressed, gru);
    return twin;
  }

  quantizedWeights(): ReadonlyMap<string, QuantizedWeight> {
    return this.compressed.byName;
  }

  setQuantizedWeight(name: string, weight: QuantizedWeight): void {
    this.compressed.set(name, weight);
  }

  override forward<I extends Tensor | PackedSequence>(input: I, h0?: Tensor): [I, Tensor] {
    if (canRunQuantizedScan(this, input)) {
      const r = quantizedScan(this, this.compressed, this.weights, input as Tensor, h0, undefined);
      return [r.output as I, r.h];
    }
    return this.compressed.withFloatWeights(this.weights, () => super.forward(input, h0));
  }

  override dispose(): void {
    this.compressed.dispose();
    super.dispose();
  }
}

export class QuantizedRNN extends RNN implements QuantizedModule {
  readonly weightDType: QuantizedDType;
  readonly compressed: RecurrentWeights;

  constructor(options: QuantizedRecurrentOptions & { nonlinearity?: Nonlinearity }) {
    const { dtype, rest } = recurrentOptions('QuantizedRNN', options, ['nonlinearity']);
    super(holdRandomState(rest));
    releaseRandomState();
    this.weightDType = dtype;
    this.compressed = new RecurrentWeights(this, dtype, this.weights, (name) => this.registerParameter(name, null));
  }

  static async fromFloat(rnn: RNN, dtype: QuantizedDType = 'int8'): Promise<QuantizedRNN> {
    const twin = new QuantizedRNN({ ...layerOptions(rnn), nonlinearity: rnn.nonlinearity, dtype });
    await copyLayer(twin, twin.compressed, rnn);
    return twin;
  }

  quantizedWeights(): ReadonlyMap<string, QuantizedWeight> {
    return this.compressed.byName;
  }

  setQuantizedWeight(name: string, weight: QuantizedWeight): void {
    this.compressed.set(name, weight);
  }

  override forward<I extends Tensor | PackedSequence>(input: I, h0?: Tensor): [I, Tensor] {
    if (canRunQuantizedScan(this, input)) {
      const r = quantizedScan(this, this.compressed, this.weights, input as Tensor, h0, undefined);
      return [r.output as I, r.h];
    }
    return this.compressed.withFloatWeights(this.weights, () => super.forward(input, h0));
  }

  override dispose(): void {
    this.compressed.dispose();
    super.dispose();
  }
}

function layerOptions(layer: RecurrentBase): RecurrentOptions {
  return {
    inputSize: layer.inputSize,
    hiddenSize: layer.hiddenSize,
    numLayers: layer.numLayers,
    bias: layer.bias,
    batchFirst: layer.batchFirst,
    dropout: layer.dropout,
    bidirectional: layer.bidirectional,
    ...(layer.residual ? { residual: true } : {}),
  };
}

/** Compress `source`'s matrices into `weights` and copy its biases and mode into `twin`. */
async function copyLayer(twin: RecurrentBase, weights: RecurrentWeights, source: RecurrentBase): Promise<void> {
  await weights.copyFrom(source);
  const own = source.stateDict();
  const biases = Object.fromEntries(Object.entries(own).filter(([name]) => name.startsWith('bias_')));
  twin.loadStateDict(biases, { strict: true });
  twin.train(source.training);
}
