// The layer-norm LSTM's whole-sequence walk (cell-kind.ts SequenceWalk): the scan driver's views of
// one layer-direction mapped onto the backend's fused.layerNormLstmSequence pair, γ/β of LN_h and
// LN_c from the kind's parameters. H hidden, W = 4H; `saved` [N, 5H + 3] in the activations' first columns.

import type { BackendV1, LayerNormLstmNorms, View } from '@recur/backend';
import type { SequenceWalk } from './cell-kind.js';
import { columns } from './scan-plan.js';

const normsOf = ([gammaH, betaH, gammaC, betaC]: readonly View[]): LayerNormLstmNorms => ({
  gammaH: gammaH!,
  betaH: betaH!,
  gammaC: gammaC!,
  betaC: betaC!,
});

/**
 * The walk, or undefined when the backend lacks the pair. `exclusive` (step kernels of another
 * layout, the composed ones): h·W_hhᵀ is kept in the activations after `saved` (≤ 13H columns), so
 * the backend binds one buffer fewer and the driver makes no recurrent rows; otherwise in the
 * driver's recurrent rows, where the fused per-step pair reads it.
 */
export function layerNormLstmWalk(backend: BackendV1, hidden: number, eps: number, exclusive: boolean): SequenceWalk | undefined {
  const fused = backend.fused;
  if (!fused?.layerNormLstmSequence || !fused.layerNormLstmSequenceBackward) return undefined;
  const { layerNormLstmSequence, layerNormLstmSequenceBackward } = fused;
  const savedWidth = 5 * hidden + 3;
  const place = (activations: View, recurrent: View | null) => ({
    saved: columns(activations, 0, savedWidth),
    recurrent: exclusive ? columns(activations, savedWidth, 4 * hidden) : recurrent!,
  });
  const pair = <T>(views: readonly T[]): [T, T] => [views[0]!, views[1]!];
  return {
    exclusive,
    // Without activations (a step layout that keeps them only when recording) there is nowhere to walk.
    forward: (v) =>
      v.activations !== null &&
      (exclusive || v.recurrent !== null) &&
      layerNormLstmSequence({
        batchSizes: v.batchSizes,
        reverse: v.reverse,
        gates: v.gates,
        initial: pair(v.initial),
        weightHh: v.weightHh,
        norms: normsOf(v.parameters),
        eps,
        states: pair(v.states),
        ...place(v.activations, v.recurrent),
      }),
    backward: (v) =>
      v.activations !== null &&
      (exclusive || v.recurrent !== null) &&
      v.dRecurrent !== null &&
      layerNormLstmSequenceBackward({
        batchSizes: v.batchSizes,
        reverse: v.reverse,
        initial: pair(v.initial),
        weightHh: v.weightHh,
        norms: normsOf(v.parameters),
        eps,
        states: pair(v.states),
        ...place(v.activations, v.recurrent),
        dStates: pair(v.dStates),
        dGates: v.dGates,
        dRecurrent: v.dRecurrent,
        dInitial: pair(v.dInitial),
        dNorms: normsOf(v.dParameters),
      }),
  };
}
