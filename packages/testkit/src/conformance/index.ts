// describeBackendConformance: registers a vitest describe block proving that every BackendV1
// kernel of a backend agrees with the CPU reference backend on strided, broadcast and edge-size
// operands, that memory is accounted and freed, and that contract violations throw typed errors.

import type { BackendV1 } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { afterAll, beforeAll, describe } from 'vitest';
import { DEFAULT_CONFORMANCE_TOLERANCE, type ConformanceTolerance } from './compare.js';
import { describeContractErrors } from './contract-errors.js';
import { describeCopyCastFill } from './copy-cast-fill.js';
import { describeElementwise } from './elementwise.js';
import type { Harness } from './harness.js';
import { describeIndexing } from './indexing.js';
import { describeMatmul } from './matmul.js';
import { describeMemory } from './memory.js';
import { describeRandom } from './random.js';
import { describeReduce } from './reduce.js';

export type { ConformanceTolerance, ElementTolerance } from './compare.js';
export { DEFAULT_CONFORMANCE_TOLERANCE } from './compare.js';

export interface ConformanceOptions {
  /** Bounds to replace; entries left out keep DEFAULT_CONFORMANCE_TOLERANCE (see its doc). */
  readonly tolerance?: Partial<ConformanceTolerance>;
}

export function describeBackendConformance(
  name: string,
  createBackend: () => BackendV1 | Promise<BackendV1>,
  options: ConformanceOptions = {},
): void {
  describe(`backend conformance: ${name}`, () => {
    // Entries given as undefined keep their default rather than erasing it.
    const given = Object.entries(options.tolerance ?? {}).filter(([, value]) => value !== undefined);
    const tolerance = { ...DEFAULT_CONFORMANCE_TOLERANCE, ...Object.fromEntries(given) } as ConformanceTolerance;
    const harness = { tolerance } as Harness;
    beforeAll(async () => {
      harness.backend = await createBackend();
      harness.reference = createCpuBackend();
    });
    afterAll(() => {
      harness.backend?.dispose?.();
      harness.reference?.dispose?.();
    });
    describeMemory(harness);
    describeElementwise(harness);
    describeCopyCastFill(harness);
    describeReduce(harness);
    describeMatmul(harness);
    describeIndexing(harness);
    describeRandom(harness);
    describeContractErrors(harness);
  });
}
