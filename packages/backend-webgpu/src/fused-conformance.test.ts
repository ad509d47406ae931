// The shared fused ≡ composed suite on Node + SwiftShader: the fused LSTM/GRU cell kernels give
// the composed ops' values and gradients through whole layers (stacked, bidirectional, packed,
// projected). Its own file so it runs in parallel with the kernel conformance suite.

import { describeFusedConformance } from '@recur/testkit';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

describeGpu('webgpu on Node', () => {
  describeFusedConformance('webgpu', () => createTestBackend());
});
