// The shared kernel conformance suite on tfjs `cpu` and `wasm` in Node: every BackendV1 kernel ≡
// the CPU reference on strided, broadcast and edge-size operands, with default tolerances.

import { describeBackendConformance } from '@recur/testkit';
import { createTfjsBackend } from './backend.js';

describeBackendConformance('tfjs on wasm', () => createTfjsBackend({ backend: 'wasm' }));
describeBackendConformance('tfjs on cpu', () => createTfjsBackend({ backend: 'cpu' }));
