// earlyStopping: stop when the monitored log has not improved (by more than minDelta) for
// `patience` epochs in a row (Keras/Lightning semantics); restoreBest loads the weights of the
// best epoch back into the model when fit ends.

import { ValueError, checkOptions, describeValue, keep, noGrad, type Tensor } from '@recur/tensor';
import { checkMode, checkMonitor, improves, monitored, type Mode } from './monitor.js';
import type { Callback, FitModel } from './types.js';

export interface EarlyStoppingOptions {
  /** Default 'valLoss'. */
  readonly monitor?: string;
  /** Default 'min'. */
  readonly mode?: Mode;
  /** Epochs without improvement before stopping. Default 0: the first epoch that does not improve stops. */
  readonly patience?: number;
  /** An improvement must exceed this. Default 0. */
  readonly minDelta?: number;
  /** Load the best epoch's weights back when fit ends. Default false. */
  readonly restoreBest?: boolean;
}

export interface EarlyStopping extends Callback {
  /** The best monitored value and its epoch (0-based); null before the first epoch. */
  readonly best: number | null;
  readonly bestEpoch: number | null;
  /** The epoch after which fit was asked to stop, if it was. */
  readonly stoppedEpoch: number | null;
}

export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const o = checkOptions('earlyStopping', options, ['monitor', 'mode', 'patience', 'minDelta', 'restoreBest']);
  const monitor = checkMonitor('earlyStopping', o.monitor ?? 'valLoss');
  const mode = checkMode('earlyStopping', o.mode ?? 'min');
  const patience = o.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0)
    throw new ValueError(`earlyStopping: 'patience' must be a non-negative integer; got ${describeValue(patience)}`);
  const minDelta = o.minDelta ?? 0;
  if (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta)) {
    throw new ValueError(`earlyStopping: 'minDelta' must be a finite number ≥ 0; got ${describeValue(minDelta)}`);
  }
  const restoreBest = o.restoreBest ?? false;
  if (typeof restoreBest !== 'boolean')
    throw new ValueError(`earlyStopping: 'restoreBest' must be true or false; got ${describeValue(restoreBest)}`);

  let best: number | null = null;
  let bestEpoch: number | null = null;
  let stoppedEpoch: number | null = null;
  let wait = 0;
  let snapshot: Record<string, Tensor> | null = null;
  const dropSnapshot = (): void => {
    for (const t of Object.values(snapshot ?? {})) t.dispose();
    snapshot = null;
  };

  return {
    get best() {
      return best;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    onEpochEnd(ctx, logs) {
      const value = monitored('earlyStopping', logs, monitor);
      if (improves(value, best, mode, minDelta)) {
        best = value;
        bestEpoch = ctx.epoch;
        wait = 0;
        if (restoreBest) {
          dropSnapshot();
          snapshot = noGrad(() => Object.fromEntries(Object.entries(ctx.model.stateDict()).map(([k, t]) => [k, keep(t.clone())])));
        }
        return;
      }
      wait++;
      if (wait >= patience) {
        stoppedEpoch = ctx.epoch;
        ctx.stop(`earlyStopping: '${monitor}' did not improve on ${best} (epoch ${bestEpoch}) for ${wait} epoch(s)`);
      }
    },
    onTrainEnd(ctx: { model: FitModel }) {
      if (snapshot) ctx.model.loadStateDict(snapshot);
      dropSnapshot();
    },
    stateDict: () => ({ best, bestEpoch, wait }),
    loadStateDict(state: unknown) {
      const s = state as { best: number | null; bestEpoch: number | null; wait: number };
      best = s.best;
      bestEpoch = s.bestEpoch;
      wait = s.wait;
    },
  };
}
