// Relaxed SIMD's fused multiply-add (f32x4.relaxed_madd) for the sgemm and one-row kernels, as an
// explicit opt-in. Browsers accept it by default and get it without asking; Node 20's V8 keeps it
// behind a flag, which only this function sets, since a library must not change V8 flags behind
// its user's back (CONTRIBUTING.md, "Relaxed SIMD in Node 20").

import { forgetRejectedModules, relaxedSimdAvailable } from './wasm-runtime.js';

interface Host {
  readonly process?: { getBuiltinModule?: (id: string) => unknown };
}

/**
 * Lets backends created from now on run sgemm on relaxed SIMD's FMA: where the engine does not
 * accept it yet and this is Node, turns on V8's `--experimental-wasm-relaxed-simd` first. Returns
 * whether relaxed SIMD is available now (false on engines without it: the mul + add kernels stay).
 * Backends made before the call keep their kernels; threaded and single-threaded products of one
 * backend always use the same variant, so their results stay bitwise equal.
 */
export function enableRelaxedSimd(): boolean {
  if (relaxedSimdAvailable()) return true;
  // Found at run time, so browser bundles see no `node:` import.
  let v8: { setFlagsFromString?: (flags: string) => void } | undefined;
  try {
    v8 = (globalThis as Host).process?.getBuiltinModule?.('node:v8') as typeof v8;
  } catch {
    return false;
  }
  if (!v8?.setFlagsFromString) return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  forgetRejectedModules();
  return relaxedSimdAvailable();
}

export { relaxedSimdAvailable };
