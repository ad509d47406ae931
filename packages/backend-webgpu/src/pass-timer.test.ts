// WebGPUBackend.timing on Node + SwiftShader (whose adapter has 'timestamp-query'): the GPU time
// of the passes recorded between start() and stop() is positive, and nothing is timed outside.

import { expect, it } from 'vitest';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

describeGpu('webgpu pass timing', () => {
  it('sums the timestamp pairs of the passes between start and stop', async () => {
    const backend = await createTestBackend();
    const timing = backend.timing;
    if (!backend.device.features.has('timestamp-query')) {
      expect(timing).toBeUndefined();
      backend.dispose();
      return;
    }
    const size = 64;
    const view = (buffer = backend.alloc(size * size, 'float32')) => ({
      buffer,
      dtype: 'float32' as const,
      shape: [size, size],
      strides: [size, 1],
      offset: 0,
    });
    const [a, b, out] = [view(), view(), view()];
    timing!.start();
    backend.matmul(a, b, out);
    backend.matmul(a, b, out, { accumulate: true });
    const timed = await timing!.stop();
    expect(timed.passes).toBeGreaterThanOrEqual(1);
    expect(timed.untimed).toBe(0);
    expect(timed.nanoseconds).toBeGreaterThan(0);
    // Work after stop() is not timed.
    timing!.start();
    const idle = await timing!.stop();
    expect(idle).toEqual({ nanoseconds: 0, passes: 0, untimed: 0 });
    backend.dispose();
  });
});
