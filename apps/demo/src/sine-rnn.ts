// The seed tutorial's vanilla RNN, written from tensor ops and trained with autograd:
// h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h), ŷ = W_hy h_T + b_y, predicting the next value of
// a sine wave from the previous `lookback` values. B batch, T = lookback, H hidden.

import { init, keep, noGrad, scope, tensor, zeros, type Tensor } from '@recur/tensor';

export interface SineRnnOptions {
  readonly hidden?: number;
  readonly lookback?: number;
  readonly samples?: number;
  readonly epochs?: number;
  readonly learningRate?: number;
}

/** Windows of a sine wave: inputs [T, B, 1] (time-major, like PyTorch's RNN) and targets [B, 1]. */
export function sineWindows(samples: number, lookback: number): { x: Tensor; y: Tensor } {
  const xs = new Float32Array(lookback * samples);
  const ys = new Float32Array(samples);
  for (let b = 0; b < samples; b++) {
    for (let t = 0; t < lookback; t++) xs[t * samples + b] = Math.sin(0.3 * (b + t));
    ys[b] = Math.sin(0.3 * (b + lookback));
  }
  return { x: tensor(xs, { shape: [lookback, samples, 1] }), y: tensor(ys, { shape: [samples, 1] }) };
}

/** Train; calls `onEpoch` with each epoch's mean squared error and returns them all. */
export function trainSineRnn(options: SineRnnOptions = {}, onEpoch?: (epoch: number, loss: number) => void): number[] {
  const { hidden = 16, lookback = 10, samples = 64, epochs = 60, learningRate = 0.1 } = options;
  const params = {
    wXh: init.xavierUniform(zeros([hidden, 1], { requiresGrad: true })),
    wHh: init.orthogonal(zeros([hidden, hidden], { requiresGrad: true })),
    bH: zeros([hidden], { requiresGrad: true }),
    wHy: init.xavierUniform(zeros([1, hidden], { requiresGrad: true })),
    bY: zeros([1], { requiresGrad: true }),
  };
  const data = sineWindows(samples, lookback);
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const loss = scope(() => {
      let h = zeros([samples, hidden]);
      for (let t = 0; t < lookback; t++) {
        const xt = data.x.select(0, t);
        h = xt.matmul(params.wXh.T).add(h.matmul(params.wHh.T)).add(params.bH).tanh();
      }
      const prediction = h.matmul(params.wHy.T).add(params.bY);
      const mse = prediction.sub(data.y).square().mean();
      mse.backward();
      // Plain gradient descent: p ← p - lr·∇p, then clear the gradients.
      noGrad(() => {
        for (const p of Object.values(params)) {
          p.assign(p.sub(p.grad!.mul(learningRate)));
          p.grad!.dispose();
          p.grad = null;
        }
      });
      return keep(mse.detach());
    });
    const value = loss.itemSync();
    loss.dispose();
    losses.push(value);
    onEpoch?.(epoch, value);
  }
  for (const t of [...Object.values(params), data.x, data.y]) t.dispose();
  return losses;
}
