// Every gradient-check case of the tensor core's differentiable ops, grouped by op family, and
// the runner that builds one case with its own seed and checks it (as a vitest expectation).

import { manualSeed } from '@recur/tensor';
import { expect } from 'vitest';
import { elementwiseCases } from './cases-elementwise.js';
import { graphCases } from './cases-graph.js';
import { matmulCases, reduceCases, softmaxCases } from './cases-reduce.js';
import { indexingCases, joinCases, viewCases } from './cases-shape.js';
import { expectGradcheck } from './expect-gradcheck.js';
import { gradcheck, type GradcheckReport } from './gradcheck.js';
import { seedOf } from './inputs.js';
import type { GradcheckCase } from './op-case.js';

export const opGradcheckCases: Readonly<Record<string, readonly GradcheckCase[]>> = {
  elementwise: elementwiseCases,
  reductions: reduceCases,
  softmax: softmaxCases,
  matmul: matmulCases,
  views: viewCases,
  'join and split': joinCases,
  indexing: indexingCases,
  'graph shapes': graphCases,
};

/** Build `testCase` from its own seed and assert its gradients (call inside a scope). */
export function expectGradcheckCase(testCase: GradcheckCase): GradcheckReport {
  manualSeed(seedOf(testCase.name));
  const { fn, inputs, options, strided = [] } = testCase.build();
  for (const k of strided) {
    expect(inputs[k]!.isContiguous, `${testCase.name}: input ${k} should be strided`).toBe(false);
  }
  return expectGradcheck(fn, inputs, { label: testCase.name, ...options });
}

/** Build `testCase` from its own seed and return its report, asserting nothing. */
export function gradcheckCaseReport(testCase: GradcheckCase): GradcheckReport {
  manualSeed(seedOf(testCase.name));
  const { fn, inputs, options } = testCase.build();
  return gradcheck(fn, inputs, options);
}
