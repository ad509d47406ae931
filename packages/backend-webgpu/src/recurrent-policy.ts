// How the WebGPU backend runs recurrent layers, from two options and the adapter: whether a
// layer-direction walks its whole sequence in one dispatch (recurrent-sequence.ts) or takes the
// per-step path, and whether those kernels read W_hh as float32 or as half floats (half-weights.ts).

import { ValueError, describeValue, expectBool } from '@recur/backend';

/** How the whole-sequence kernels read W_hh: float32 (default), or binary16 two to a word (compute stays float32). */
export type RecurrentWeights = 'float32' | 'float16';

export interface RecurrentPolicy {
  /** Whether the whole-sequence kernels run (shapes that do not fit the device still take the per-step path). */
  readonly wholeSequence: boolean;
  readonly weights: RecurrentWeights;
}

const WEIGHTS: readonly RecurrentWeights[] = ['float32', 'float16'];

/** Software rasterisers exposed as GPUs, for adapters too old to report isFallbackAdapter. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|basic render driver/i;

/**
 * Whether the adapter emulates a GPU on the CPU (SwiftShader, llvmpipe): its isFallbackAdapter,
 * else its architecture, device or description naming a software renderer.
 */
export function isFallbackAdapter(info: Partial<GPUAdapterInfo> | undefined): boolean {
  if (!info) return false;
  if (info.isFallbackAdapter === true) return true;
  return [info.architecture, info.device, info.description].some((text) => typeof text === 'string' && SOFTWARE.test(text));
}

export interface RecurrentOptions {
  readonly wholeSequence?: boolean;
  readonly recurrentWeights?: RecurrentWeights;
}

/** The options' values, checked before any adapter is requested. */
export function checkRecurrentOptions(owner: string, options: RecurrentOptions): void {
  if (options.recurrentWeights !== undefined && !WEIGHTS.includes(options.recurrentWeights)) {
    throw new ValueError(`${owner}: recurrentWeights must be one of ${WEIGHTS.join(', ')}; got ${describeValue(options.recurrentWeights)}`);
  }
  if (options.wholeSequence !== undefined) expectBool(owner, 'wholeSequence', options.wholeSequence);
}

/**
 * The policy for (checked) `options` on an adapter described by `info`. The whole-sequence kernels
 * are the default except on a fallback adapter: there the one invocation per hidden unit that
 * walks every step runs on a CPU thread, and the per-step path (GEMM + cell, all lanes busy)
 * measured faster on SwiftShader (B32 T16 H256 LSTM forward 2.6–3.2 s against 1.65 s).
 */
export function recurrentPolicy(options: RecurrentOptions, info: Partial<GPUAdapterInfo> | undefined): RecurrentPolicy {
  return { wholeSequence: options.wholeSequence ?? !isFallbackAdapter(info), weights: options.recurrentWeights ?? 'float32' };
}
