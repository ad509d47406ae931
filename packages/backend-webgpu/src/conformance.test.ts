// The shared kernel conformance suite on Node + SwiftShader: every BackendV1 kernel ≡ the CPU
// reference on strided, broadcast and edge-size operands, memory accounting and contract errors.
// Default tolerances throughout.

import { describeBackendConformance } from '@recur/testkit';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

describeGpu('webgpu on Node', () => {
  describeBackendConformance('webgpu', () => createTestBackend());
});
