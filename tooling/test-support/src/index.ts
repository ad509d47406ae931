// @recur/test-support: helpers shared by every package's tests (private, never shipped). It has
// no dependencies, so any package — the backends included — can use it without a cycle. The
// seeded generator is @recur/backend's mulberry32 (shipped code needs it too); the CPU backend is
// registered by tensor's test-support/cpu-setup.ts, a vitest setup file.

export { closeMismatches, expectClose, type Bound, type Closeness, type Tolerance } from './expect-close.js';
