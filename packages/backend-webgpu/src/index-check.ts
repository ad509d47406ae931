// Device-side index checks for gather and scatterAdd. The indices live on the GPU, so checking
// them on the host would cost a readback per call; instead the kernels record the first index
// outside [0, size) into a 4-word flag buffer, and the next `read` copies it back with the
// data (same submit, one extra 16-byte map) and raises the IndexError there — as CUDA reports
// device-side asserts at the next synchronisation. The flag is cleared once reported.
// Words: 0 set flag, 1 the bad index (i32 bits), 2 the axis size, 3 kernel code | axis << 8.

import { IndexError } from '@recur/backend';
import type { Bindings } from './bindings.js';
import type { CommandQueue } from './command-queue.js';
import { BufferUsage } from './gpu-flags.js';

export const INDEX_CHECK_BYTES = 16;

const KERNELS = ['gather', 'scatterAdd'] as const;
export type CheckedKernel = (typeof KERNELS)[number];

export class IndexCheck {
  readonly buffer: GPUBuffer;
  /** A checking kernel was recorded since the flag was last copied back. */
  #pending = false;

  constructor(device: GPUDevice) {
    this.buffer = device.createBuffer({
      size: INDEX_CHECK_BYTES,
      usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
      label: 'recur:index-check',
    });
  }

  /** The param word a checking kernel passes: which kernel, on which axis. */
  static code(kernel: CheckedKernel, axis: number): number {
    return KERNELS.indexOf(kernel) | (axis << 8);
  }

  /** Called for every checking dispatch recorded. */
  markPending(): void {
    this.#pending = true;
  }

  /** Whether a checking kernel was recorded since the flags were last copied back. */
  get pending(): boolean {
    return this.#pending;
  }

  /**
   * Record, in order with the queued work, a copy of the flag words into `target` at `offset`
   * and then a reset of the flags; `raiseIfSet` must see the copied words.
   */
  recordCopy(queue: CommandQueue, target: GPUBuffer, offset: number): void {
    queue.copy(this.buffer, 0, target, offset, INDEX_CHECK_BYTES);
    queue.clear(this.buffer);
    this.#pending = false;
  }

  /** The IndexError the copied words describe, if the flag was set. */
  raiseIfSet(words: Uint32Array): void {
    if (words[0] === 0) return;
    const index = words[1]! | 0;
    const size = words[2]!;
    const kernel = KERNELS[words[3]! & 0xff] ?? 'gather';
    const axis = words[3]! >>> 8;
    throw new IndexError(
      `${kernel}: index ${index} out of range for axis ${axis} of size ${size} (expected 0..${size - 1}); ` +
        'found on the GPU by the webgpu backend, raised at the first read after it',
    );
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

/**
 * WGSL that records an out-of-range `index` into operand `operand` (the flag buffer, bound
 * with 'atomic' access): only the first invalid invocation, the one that sets the flag, writes
 * the details. `size` and `code` are WGSL expressions for the axis size and the kernel code.
 */
export function recordInvalidIndex(bindings: Bindings, operand: number, size: string, code: string): string {
  const word = (k: number): string => bindings.atomicPointer(operand, `${k}u`);
  return [
    '  if (!valid) {',
    `    if (atomicOr(${word(0)}, 1u) == 0u) {`,
    `      atomicStore(${word(1)}, bitcast<u32>(index));`,
    `      atomicStore(${word(2)}, u32(${size}));`,
    `      atomicStore(${word(3)}, ${code});`,
    '    }',
    '  }',
  ].join('\n');
}
