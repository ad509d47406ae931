// The shared fused ≡ composed suite on Node + SwiftShader: the fused LSTM/GRU cell kernels and the
// whole-sequence recurrent kernels give the composed ops' values and gradients through whole layers
// (stacked, bidirectional, packed, projected). Again with 40 bytes of workgroup memory: some shapes
// then fall back to the per-step path in the forward, the backward or both (a mixed walk).
// The whole-sequence kernels are forced on: SwiftShader is a fallback adapter, where they are off
// by default. Its own file so it runs in parallel with the kernel conformance suite.

import { describeFusedConformance } from '@recur/testkit';
import { describe } from 'vitest';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

describeGpu('webgpu on Node', () => {
  describeFusedConformance('webgpu', () => createTestBackend({ wholeSequence: true }));
  // Registered as 'webgpu' too: packing finds its index tensors' backend by that name.
  describe('per-step fallback (40 bytes of workgroup memory)', () => {
    describeFusedConformance('webgpu', () => createTestBackend({ wholeSequence: true, limits: { maxComputeWorkgroupStorageSize: 40 } }));
  });
});
