// Test helper: register and activate the CPU backend once per test file.

import { createCpuBackend } from '@recur/backend-cpu';
import { registerBackend, useBackend } from '../registry.js';

export async function useCpu(): Promise<void> {
  registerBackend(createCpuBackend, { name: 'cpu' });
  await useBackend('cpu');
}
