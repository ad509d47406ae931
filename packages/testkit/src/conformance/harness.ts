// What every conformance test shares: the two backends (created once per describe block), the
// tolerances, and `kernelTest`, which runs a body in a Session, frees its buffers and asserts
// that both backends' memory() is back to where it was before the test.

import type { BackendV1 } from '@recur/backend';
import { expect, it } from 'vitest';
import type { ConformanceTolerance } from './compare.js';
import { createRng, hashString } from './prng.js';
import { Session } from './session.js';

export interface Harness {
  /** The backend under test; set in beforeAll. */
  backend: BackendV1;
  /** The CPU reference backend; set in beforeAll. */
  reference: BackendV1;
  readonly tolerance: ConformanceTolerance;
}

export function kernelTest(harness: Harness, name: string, body: (session: Session) => Promise<void> | void): void {
  it(name, async () => {
    const { backend, reference } = harness;
    const before = { backend: backend.memory(), reference: reference.memory() };
    const session = new Session(backend, reference, createRng(hashString(name)));
    try {
      await body(session);
    } finally {
      session.release();
    }
    expect(session.casesChecked, 'cases compared').toBeGreaterThan(0);
    expect(backend.memory(), 'memory() of the backend under test after freeing').toEqual(before.backend);
    expect(reference.memory(), 'memory() of the cpu reference after freeing').toEqual(before.reference);
  });
}
