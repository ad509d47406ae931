// kernelOp: the typed way for a package above the core (cells, optim) to define a differentiable
// op whose forward and backward call backend kernels directly (fused cells, whole-sequence scans).
// It records through the same `attach` op record as the core ops: the inputs are listed once; the
// tensors its backward reads are returned once by the forward, aliased and freed by the engine with
// the graph, and handed back to the backward — never captured by hand.

import type { BackendV1 } from '@recur/backend';
import { attach, needsGrad } from './autograd.js';
import { commonBackend } from './internal.js';
import type { Tensor } from './tensor.js';

/** What the forward is told. */
export interface KernelOpForward {
  /** The backend every input lives on. */
  readonly backend: BackendV1;
  /** Whether a backward will be recorded: only then must the forward compute and return `saved`. */
  readonly recording: boolean;
}

/** What the backward is told. */
export interface KernelOpBackward {
  readonly backend: BackendV1;
  /** Per input (in the order given): whether a gradient is wanted; where false, return null. */
  readonly needsInputGrad: readonly boolean[];
}

/** The forward's result: the output and, when recording, the tensors the backward reads. */
export interface KernelOpResult<S extends readonly Tensor[]> {
  readonly output: Tensor;
  /** Read only when recording. They are aliased for the graph, so the forward's own handles may
   *  be disposed (or left to the caller's scope) as usual. */
  readonly saved?: S;
  /** Handles the forward made for its own use (scratch, or what it saved): disposed once `saved`
   *  is aliased, so the op leaves nothing behind even outside a scope. */
  readonly release?: readonly Tensor[];
}

export interface KernelOpDefinition<S extends readonly Tensor[]> {
  /** Allocates the output (`empty`), runs the kernels on `kernelView`s, returns it. */
  forward(context: KernelOpForward): KernelOpResult<S>;
  /**
   * Maps d output to one gradient per input (null where none flows or none is wanted). Runs
   * without grad inside backward's scope: temporaries made here are freed with it.
   */
  backward(grad: Tensor, saved: S, context: KernelOpBackward): readonly (Tensor | null)[];
}

/**
 * Runs a kernel-level op on `inputs` (null for an absent optional input, such as a bias) and, when
 * any input requires grad, records it on the tape under `name`. Returns the forward's output.
 */
export function kernelOp<S extends readonly Tensor[]>(
  name: string,
  inputs: readonly (Tensor | null)[],
  definition: KernelOpDefinition<S>,
): Tensor {
  const present = inputs.filter((t): t is Tensor => t !== null);
  const backend = commonBackend(name, ...present);
  const recording = needsGrad(...inputs);
  const { output, saved, release } = definition.forward({ backend, recording });
  if (recording) {
    // One record, as every core op: the engine aliases `saved` for the graph (before `release`
    // may free the forward's own handles) and hands the aliases to the backward.
    const needsInputGrad = inputs.map((t) => t !== null && t.requiresGrad);
    attach(output, name, inputs, {
      save: saved ?? ([] as unknown as S),
      vjp: (grad, kept) => definition.backward(grad, kept, { backend, needsInputGrad }),
    });
  }
  for (const t of release ?? []) t.dispose();
  return output;
}
