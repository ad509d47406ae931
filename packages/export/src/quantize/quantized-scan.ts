// The quantised recurrent forward for padded input: per layer and direction, gx = x·W_ihᵀ + b_ih
// for every step in one quantised GEMM, then per step h·W_hhᵀ + b_hh on the quantised GEMV and
// the cell's pointwise math (PyTorch's gate orders: LSTM i f g o, GRU r z n with the reset after
// W_hn·h). T steps, B batch, H hidden, H_out output (projSize or H), L layers, D directions.

import {
  ShapeError,
  ValueError,
  add,
  chunk,
  concat,
  fmtShape,
  isGradEnabled,
  mul,
  relu,
  scope,
  sigmoid,
  sub,
  tanh,
  zeros,
  backendOf,
  describeValue,
  Tensor,
} from '@recur/tensor';
import type { DirectionWeights, RecurrentBase, RecurrentResult } from '@recur/cells';
import type { RecurrentWeights } from './quantized-recurrent.js';

/** Whether the quantised scan can run `input` (else the layer dequantises and runs the float path). */
export function canRunQuantizedScan(layer: RecurrentBase & { readonly weightDType?: string }, input: unknown): boolean {
  if (!(input instanceof Tensor) || input.size === 0) return false;
  if (isGradEnabled() && input.requiresGrad) return false;
  if (layer.training && layer.dropout > 0 && layer.numLayers > 1) return false;
  const kernels = backendOf(layer.mode, input).quantized;
  return layer.weightDType === 'float16' ? kernels?.float16Linear !== undefined : kernels?.int8Linear !== undefined;
}

function initialState(
  layer: RecurrentBase,
  name: string,
  given: Tensor | undefined,
  seqFirst: Tensor,
  size: number,
  unbatched: boolean,
): Tensor {
  const rows = layer.numLayers * layer.numDirections;
  const batch = seqFirst.shape[1]!;
  const expected = unbatched ? [rows, size] : [rows, batch, size];
  // Zeros on the input's backend: the layer may live on another backend than the active one.
  if (given === undefined || given === null) return zeros([rows, batch, size], { backend: backendOf(layer.mode, seqFirst) });
  if (!(given instanceof Tensor))
    throw new ValueError(`${layer.mode}: ${name} must be a Tensor of shape ${fmtShape(expected)}; got ${describeValue(given)}`);
  if (given.rank !== expected.length || given.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${layer.mode}: expected ${name} of shape ${fmtShape(expected)}; got ${fmtShape(given.shape)}`);
  }
  return unbatched ? given.unsqueeze(1) : given;
}

interface State {
  readonly h: Tensor;
  readonly c: Tensor | null;
}

export function quantizedScan(
  layer: RecurrentBase,
  weights: RecurrentWeights,
  floatWeights: readonly (readonly DirectionWeights[])[],
  input: Tensor,
  h0: Tensor | undefined,
  c0: Tensor | undefined,
): RecurrentResult {
  return scope(() => {
    if ((input.rank !== 2 && input.rank !== 3) || input.shape[input.rank - 1] !== layer.inputSize) {
      const expected = layer.batchFirst ? `[batch, seq, ${layer.inputSize}]` : `[seq, batch, ${layer.inputSize}]`;
      throw new ShapeError(
        `${layer.mode}: expected input ${expected} or unbatched [seq, ${layer.inputSize}]; got ${fmtShape(input.shape)}`,
      );
    }
    const unbatched = input.rank === 2;
    const seqFirst = unbatched ? input.unsqueeze(1) : layer.batchFirst ? input.transpose(0, 1) : input;
    const [steps, batch] = seqFirst.shape as [number, number];
    const lstm = layer.mode === 'LSTM';
    const initialH = initialState(layer, 'h0', h0, seqFirst, layer.outputSize, unbatched);
    const initialC = lstm ? initialState(layer, 'c0', c0, seqFirst, layer.hiddenSize, unbatched) : null;
    let data = seqFirst.reshape([steps * batch, layer.inputSize]);
    const lastH: Tensor[] = [];
    const lastC: Tensor[] = [];
    for (let l = 0; l < layer.numLayers; l++) {
      const layerInput = data;
      const outputs: Tensor[] = [];
      for (let d = 0; d < layer.numDirections; d++) {
        const q = weights.direction(l, d);
        const w = floatWeights[l]![d]!;
        const row = l * layer.numDirections + d;
        const gx = q.weightIh.linear(data, w.biasIh);
        let state: State = { h: initialH.select(0, row), c: initialC ? initialC.select(0, row) : null };
        const perStep = new Array<Tensor>(steps);
        for (let i = 0; i < steps; i++) {
          const t = d === 1 ? steps - 1 - i : i;
          const previous = state;
          state = scope(() => {
            const gxt = gx.narrow(0, t * batch, batch);
            const gh = q.weightHh.linear(previous.h, w.biasHh);
            if (lstm) {
              const [gi, gf, gg, go] = chunk(add(gxt, gh), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
              const c = add(mul(sigmoid(gf), previous.c!), mul(sigmoid(gi), tanh(gg)));
              const h = mul(sigmoid(go), tanh(c));
              return { h: q.weightHr ? q.weightHr.linear(h, null) : h, c };
            }
            if (layer.mode === 'GRU') {
              const [rx, zx, nx] = chunk(gxt, 3, 1) as [Tensor, Tensor, Tensor];
              const [rh, zh, nh] = chunk(gh, 3, 1) as [Tensor, Tensor, Tensor];
              const r = sigmoid(add(rx, rh));
              const z = sigmoid(add(zx, zh));
              const n = tanh(add(nx, mul(r, nh)));
              return { h: add(n, mul(z, sub(previous.h, n))), c: null };
            }
            const pre = add(gxt, gh);
            return { h: layer.mode === 'RNN_RELU' ? relu(pre) : tanh(pre), c: null };
          });
          perStep[t] = state.h;
        }
        outputs.push(concat(perStep, 0));
        lastH.push(state.h);
        if (state.c) lastC.push(state.c);
      }
      data = outputs.length === 1 ? outputs[0]! : concat(outputs, 1);
      if (layer.residual && l > 0) data = add(data, layerInput);
    }
    const h = stackRows(lastH);
    const c = lastC.length ? stackRows(lastC) : null;
    let output = data.reshape([steps, batch, data.shape[1]!]);
    if (unbatched) return { output: output.squeeze(1), h: h.squeeze(1), c: c ? c.squeeze(1) : null };
    if (layer.batchFirst) output = output.transpose(0, 1);
    return { output, h, c };
  });
}

/** [L·D, B, ·] from the per-direction final states [B, ·]. */
function stackRows(states: readonly Tensor[]): Tensor {
  return concat(
    states.map((s) => s.unsqueeze(0)),
    0,
  );
}
