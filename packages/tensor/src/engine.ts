// Process-wide state of the tensor core: the scope stack that `scope(fn)` disposes, the grad
// mode that `noGrad(fn)` switches off, and the count of live tensor handles per backend.

import type { Tensor } from './tensor.js';

export interface Frame {
  readonly tensors: Set<Tensor>;
}

export const engine = {
  frames: [] as Frame[],
  gradEnabled: true,
  /** Live public tensor handles per backend name. */
  liveTensors: new Map<string, number>(),
  nextId: 1,
};

/** Called by every new tensor handle: count it and put it in the innermost scope. */
export function trackTensor(t: Tensor, backendName: string, inScope: boolean): void {
  engine.liveTensors.set(backendName, (engine.liveTensors.get(backendName) ?? 0) + 1);
  if (inScope) {
    const frame = engine.frames[engine.frames.length - 1];
    if (frame) {
      frame.tensors.add(t);
      t.frame = frame;
    }
  }
}

export function untrackTensor(t: Tensor, backendName: string): void {
  engine.liveTensors.set(backendName, (engine.liveTensors.get(backendName) ?? 1) - 1);
  t.frame?.tensors.delete(t);
  t.frame = null;
}

/** A handle the collector reclaimed (reclaim.ts): uncount it; it was in no scope. */
export function forgetTensor(backendName: string): void {
  engine.liveTensors.set(backendName, (engine.liveTensors.get(backendName) ?? 1) - 1);
}
