// Runs the backend conformance suite on the CPU backend itself: the reference side computes on
// contiguous copies, so this proves the CPU's strided, broadcast and edge-size paths.

import { createCpuBackend } from '@recur/backend-cpu';
import { describeBackendConformance } from './conformance/index.js';

describeBackendConformance('cpu', createCpuBackend);
