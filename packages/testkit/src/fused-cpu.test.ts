import { createCpuBackend } from '@recur/backend-cpu';
import { describeFusedConformance } from './fused/index.js';

describeFusedConformance('cpu', createCpuBackend);
