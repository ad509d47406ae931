import { createCpuBackend } from '@recur/backend-cpu';
import { describeFusedAdamConformance } from './fused/adam.js';

describeFusedAdamConformance('cpu', createCpuBackend);
