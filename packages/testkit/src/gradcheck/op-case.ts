// The shape of one gradient-check case: a name (also its seed) and a builder that makes fresh
// inputs and the function under test, so a case can run alone or with others in one scope.

import type { Tensor } from '@recur/tensor';
import type { ExpectGradcheckOptions } from './expect-gradcheck.js';

export interface GradcheckCaseSetup {
  readonly fn: (...xs: Tensor[]) => Tensor;
  readonly inputs: readonly Tensor[];
  readonly options?: ExpectGradcheckOptions;
  /** Inputs that must not be contiguous (the case exists to test strided inputs). */
  readonly strided?: readonly number[];
}

export interface GradcheckCase {
  readonly name: string;
  /** Called after `manualSeed(seedOf(name))`; tensors it makes belong to the caller's scope. */
  readonly build: () => GradcheckCaseSetup;
}

export const gradcheckCase = (name: string, build: () => GradcheckCaseSetup): GradcheckCase => ({ name, build });
