// terminateOnNonFinite: stop fit with a NonFiniteError naming the step and the tensor as soon
// as the loss, a gradient (before the optimizer step, so the weights stay those of the last good
// step) or, after the step, a weight holds NaN or ±Infinity.

import { RecurError, ValueError, checkOptions, describeValue, type Tensor } from '@recur/tensor';
import type { BatchInfo, Callback, FitContext } from './types.js';

/** Training produced NaN or ±Infinity; `step`, `epoch`, `batch` and `tensor` say where. */
export class NonFiniteError extends RecurError {
  constructor(
    readonly tensor: string,
    readonly step: number,
    readonly epoch: number,
    readonly batch: number,
    readonly value: number,
  ) {
    super(`fit: ${tensor} is ${value} at step ${step} (epoch ${epoch}, batch ${batch})`);
    this.name = 'NonFiniteError';
  }
}

type Check = 'loss' | 'gradients' | 'weights';

export interface TerminateOnNonFiniteOptions {
  /** What to check every batch. Default ['loss', 'gradients']; 'weights' reads every parameter after each step. */
  readonly check?: readonly Check[];
}

async function firstNonFinite(t: Tensor): Promise<number | null> {
  for (const v of await t.data()) if (!Number.isFinite(v)) return v;
  return null;
}

export function terminateOnNonFinite(options: TerminateOnNonFiniteOptions = {}): Callback {
  const o = checkOptions('terminateOnNonFinite', options, ['check']);
  const check = o.check ?? ['loss', 'gradients'];
  if (!Array.isArray(check) || check.some((c) => c !== 'loss' && c !== 'gradients' && c !== 'weights')) {
    throw new ValueError(`terminateOnNonFinite: 'check' must list 'loss', 'gradients' and/or 'weights'; got ${describeValue(check)}`);
  }
  const scan = async (ctx: FitContext, step: number, info: BatchInfo, what: 'gradient' | 'weight'): Promise<void> => {
    for (const [name, p] of ctx.model.namedParameters()) {
      const t = what === 'gradient' ? p.grad : p;
      if (!t) continue;
      const bad = await firstNonFinite(t);
      if (bad !== null)
        throw new NonFiniteError(`${what === 'gradient' ? 'the gradient of' : 'the weight'} '${name}'`, step, ctx.epoch, info.batch, bad);
    }
  };
  return {
    async onAfterBackward(ctx, info) {
      if (check.includes('loss') && !Number.isFinite(info.loss))
        throw new NonFiniteError('the loss', ctx.step, ctx.epoch, info.batch, info.loss);
      if (check.includes('gradients')) await scan(ctx, ctx.step, info, 'gradient');
    },
    async onBatchEnd(ctx, info) {
      // onBatchEnd runs after the step counter moved on: report the step that wrote the weights.
      if (check.includes('weights')) await scan(ctx, ctx.step - 1, info, 'weight');
    },
  };
}
