// What every kernel gets from its backend instance, the view check it runs first (a live buffer of
// this instance, then @recur/backend's checks), and `writeOut`, the one way a kernel's result
// reaches memory: computed in a tfjs tidy, merged into out's buffer, the old tensor disposed.

import { checkView, type View } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';
import { activate, type TfjsBackendName } from './engine.js';
import type { IndexCache } from './index-cache.js';
import type { TfjsBuffer, TfjsMemory } from './memory.js';
import { merge, type TfjsView } from './views.js';

export interface KernelContext {
  readonly memory: TfjsMemory;
  readonly cache: IndexCache;
  /** The tfjs backend the kernels run on. */
  readonly engine: TfjsBackendName;
  /** Index checks of GPU engines, settled at the next read (reading indices back would stall). */
  readonly pendingChecks: (() => Promise<void>)[];
}

/** Checks `view` as kernel `op`'s operand `name`: a live buffer of this backend, inside its bounds. */
export function checked(context: KernelContext, op: string, name: string, view: View<TfjsBuffer>): TfjsView {
  context.memory.own(view.buffer, op);
  checkView(op, name, view, view.buffer.size);
  return view;
}

/** Runs `compute` (a tensor of out's shape) in a tidy and stores it into `out`'s elements. */
export function writeOut(context: KernelContext, out: TfjsView, compute: () => tf.Tensor): void {
  activate(context.engine);
  const next = tf.tidy(() => {
    let values = compute();
    if (values.dtype !== out.dtype) values = tf.cast(values, out.dtype);
    return merge(context.cache, out, values, context.engine === 'webgpu' && values.dtype !== 'float32');
  });
  context.memory.replace(out.buffer, next);
}

export { expectAxis, expectDType, expectSameDType, expectSameShape } from '@recur/backend';
