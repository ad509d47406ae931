// Vitest setup file (`setupFiles` in the vitest config of every package whose tests run on the CPU
// backend): registers and activates the CPU backend before each test file, so no test file repeats
// the registration. Other packages point at this one file; it lives here, beside `useCpu`, because
// every such package already depends on @recur/tensor and @recur/backend-cpu.

import { beforeAll } from 'vitest';
import { useCpu } from './setup.js';

beforeAll(useCpu);
