// The driver's side of the layer-norm LSTM walk (fused.layerNormLstmSequence / Backward), with stub
// hooks on the CPU backend: the views it hands over, per-step fallback when the forward declines,
// the backward offered only where the per-step layout allows it, and a typed error when a backend
// walks a forward whose layout only its backward reads and then declines that backward.

import { BackendError, type FusedKernels, type LayerNormLstmSequenceArgs } from '@recur/backend';
import { backendOf, manualSeed, randn, scope } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { LayerNormLSTM } from './layer-norm-lstm.js';
import { withoutFusedKernels } from './steps.js';

const [T, B, I, H] = [4, 3, 2, 5];

type Hooks = Partial<FusedKernels>;

/** Loss gradients (x and every parameter) with the CPU backend's fused members replaced by `hooks` (undefined removes one). */
async function run(hooks: Hooks, fused = true): Promise<Float32Array[]> {
  manualSeed(5);
  const module = new LayerNormLSTM({ inputSize: I, hiddenSize: H, numLayers: 2 });
  const kernels = backendOf('test', module.parameters()[0]!).fused as Record<string, unknown>;
  const original = Object.fromEntries(Object.keys(hooks).map((key) => [key, kernels[key]]));
  Object.assign(kernels, hooks);
  try {
    const body = () =>
      scope(() => {
        const x = randn([T, B, I], { requiresGrad: true });
        const [y, [h, c]] = module.forward(x);
        y.mul(randn(y.shape)).sum().add(h.sum()).add(c.mul(c).sum()).backward();
        return [x, ...module.parameters()].map((t) => t.grad!.clone());
      });
    const tensors = fused ? body() : withoutFusedKernels(body);
    const values: Float32Array[] = [];
    for (const t of tensors) {
      values.push((await t.data()) as Float32Array);
      t.dispose();
    }
    return values;
  } finally {
    Object.assign(kernels, original);
    module.dispose();
  }
}

const close = (a: Float32Array[], b: Float32Array[]) =>
  a.forEach((values, k) => values.forEach((v, i) => expect(v).toBeCloseTo(b[k]![i]!, 4)));

describe('layer-norm LSTM: the kind offers its whole-sequence walk', () => {
  it('without the per-step pair: the walk gets saved [N, 5H + 3] with h·W_hhᵀ beside it; a declined forward runs per step, its backward is not offered', async () => {
    const seen: LayerNormLstmSequenceArgs[] = [];
    let offered = 0;
    const grads = await run({
      layerNormLstmCell: undefined,
      layerNormLstmCellBackward: undefined,
      layerNormLstmSequence: (args) => (seen.push(args), false),
      layerNormLstmSequenceBackward: () => (offered++, false),
    });
    expect(seen.length).toBe(2);
    const args = seen[0]!;
    expect(args.saved.shape).toEqual([T * B, 5 * H + 3]);
    expect(args.recurrent.shape).toEqual([T * B, 4 * H]);
    // Kept in the activations after `saved`: one buffer fewer for the backend to bind.
    expect(args.recurrent.buffer).toBe(args.saved.buffer);
    expect(args.recurrent.offset).toBe(args.saved.offset + 5 * H + 3);
    expect([args.norms.gammaH.shape, args.norms.gammaC.shape, args.eps]).toEqual([[4 * H], [H], 1e-5]);
    expect(offered).toBe(0);
    close(grads, await run({}, false));
  });

  it('without the per-step pair: a walked forward whose backward declines is a BackendError', async () => {
    const hooks: Hooks = {
      layerNormLstmCell: undefined,
      layerNormLstmCellBackward: undefined,
      layerNormLstmSequence: () => true,
      layerNormLstmSequenceBackward: () => false,
    };
    await expect(run(hooks)).rejects.toThrow(BackendError);
    await expect(run(hooks)).rejects.toThrow(/walked the forward as a whole sequence but declined its backward/);
  });

  it('with the per-step pair (shared layout): h·W_hhᵀ in the driver’s rows, and the backward is offered after a per-step forward', async () => {
    const seen: LayerNormLstmSequenceArgs[] = [];
    let offered = 0;
    const grads = await run({
      layerNormLstmSequence: (args) => (seen.push(args), false),
      layerNormLstmSequenceBackward: () => (offered++, false),
    });
    expect(seen.length).toBe(2);
    expect(seen[0]!.recurrent.buffer).not.toBe(seen[0]!.saved.buffer);
    expect(offered).toBe(2);
    close(grads, await run({}, false));
  });
});
