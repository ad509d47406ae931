// The recurrent policy without a GPU: which adapters count as fallback (CPU-emulated), the
// default it gives there and elsewhere, the explicit override, and the options' value checks.

import { ValueError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { createWebGPUBackend, webgpu } from './backend.js';
import { checkRecurrentOptions, isFallbackAdapter, recurrentPolicy } from './recurrent-policy.js';

// What Dawn in Node reports for SwiftShader here (device.adapterInfo).
const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true };
const H100 = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3', isFallbackAdapter: false };

describe('recurrent policy', () => {
  it('knows fallback adapters by isFallbackAdapter, or by a software renderer named where that flag is missing', () => {
    expect(isFallbackAdapter(SWIFTSHADER)).toBe(true);
    expect(isFallbackAdapter({ ...SWIFTSHADER, isFallbackAdapter: undefined })).toBe(true);
    expect(isFallbackAdapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.7, 256 bits)' })).toBe(true);
    expect(isFallbackAdapter({ vendor: 'some vendor', isFallbackAdapter: true })).toBe(true);
    expect(isFallbackAdapter(H100)).toBe(false);
    expect(isFallbackAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(false);
    expect(isFallbackAdapter(undefined)).toBe(false);
  });

  it('runs the whole-sequence kernels by default except on a fallback adapter; the option overrides both ways', () => {
    expect(recurrentPolicy({}, SWIFTSHADER)).toEqual({ wholeSequence: false, weights: 'float32' });
    expect(recurrentPolicy({}, H100)).toEqual({ wholeSequence: true, weights: 'float32' });
    expect(recurrentPolicy({}, undefined).wholeSequence).toBe(true);
    expect(recurrentPolicy({ wholeSequence: true }, SWIFTSHADER).wholeSequence).toBe(true);
    expect(recurrentPolicy({ wholeSequence: false }, H100).wholeSequence).toBe(false);
    expect(recurrentPolicy({ recurrentWeights: 'float16' }, H100).weights).toBe('float16');
  });

  it('rejects bad values with a ValueError before any adapter is requested', async () => {
    expect(() => checkRecurrentOptions('webgpu', { recurrentWeights: 'f16' as never })).toThrow(ValueError);
    expect(() => webgpu({ recurrentWeights: 'f16' as never })).toThrow(
      /webgpu: recurrentWeights must be one of float32, float16; got "f16"/,
    );
    expect(() => webgpu({ wholeSequence: 'yes' as never })).toThrow(/webgpu: wholeSequence must be true or false; got "yes"/);
    await expect(createWebGPUBackend({ wholeSequence: 1 as never })).rejects.toThrow(
      /createWebGPUBackend: wholeSequence must be true or false/,
    );
    expect(webgpu({ wholeSequence: true, recurrentWeights: 'float16' }).name).toBe('webgpu');
  });
});
