// What every kernel needs from its backend instance, and `run`, the one way kernels reach the
// GPU: bind the operands (shared buffers bound once), fetch or build the pipeline for the key,
// zero recycled outputs, and record the dispatch into the batched command encoder.

import { Bindings, type Access } from './bindings.js';
import { GRID_WORDS, type CommandQueue } from './command-queue.js';
import type { DeviceHealth } from './device-health.js';
import type { GpuBufferHandle, GpuMemory } from './memory.js';
import type { PipelineCache } from './pipeline-cache.js';
import { assembleShader, type ShaderParts } from './wgsl-prelude.js';

export type KernelOperand =
  | {
      readonly handle: GpuBufferHandle;
      readonly access: Access;
      /** The kernel writes every element of the buffer without reading it (see coversBuffer). */
      readonly overwrite?: boolean;
    }
  /** A backend-owned GPUBuffer outside tensor memory (the index-check flags). */
  | { readonly buffer: GPUBuffer; readonly access: Access; readonly overwrite?: undefined; readonly handle?: undefined };

export interface KernelCall {
  /** Identifies the generated code: kernel, dtypes, rank and flags (bindings are added here). */
  readonly key: string;
  readonly operands: readonly KernelOperand[];
  /** Builds the shader on a cache miss; operand k is read and written through `bindings`. */
  readonly shader: (bindings: Bindings) => ShaderParts;
  /** The kernel's param words (they start at word GRID_WORDS in the shader). */
  readonly params: readonly number[];
  /** Workgroups to launch; 0 records nothing. */
  readonly groups: number;
}

export class KernelContext {
  constructor(
    readonly memory: GpuMemory,
    readonly queue: CommandQueue,
    readonly pipelines: PipelineCache,
    readonly health: DeviceHealth,
  ) {}

  run(call: KernelCall): void {
    if (call.groups === 0) return;
    const operands = call.operands;
    // An overwritten output may skip zeroing only if no other operand reads the same buffer.
    const overwrites = (operand: KernelOperand): boolean =>
      operand.overwrite === true && operands.every((other) => other === operand || other.handle !== operand.handle);
    // A written operand's buffer changes contents: caches of converted copies (half-weights.ts) key on the version.
    for (const operand of operands) if (operand.handle && operand.access !== 'read') operand.handle.version++;
    const bindings = new Bindings(
      operands.map((operand) => ({
        buffer: operand.handle ? this.memory.prepare(operand.handle, overwrites(operand)) : operand.buffer,
        access: operand.access,
      })),
    );
    const words = GRID_WORDS + call.params.length;
    const key = `${call.key}|${bindings.signature}|w${words}`;
    const { pipeline, layout } = this.pipelines.get(key, bindings.access, () => assembleShader(words, bindings, call.shader(bindings)));
    this.queue.dispatch(pipeline, layout, bindings.buffers, call.params, call.groups);
  }
}

/** First kernel param word, as the shader numbers it. */
export const FIRST_PARAM = GRID_WORDS;
