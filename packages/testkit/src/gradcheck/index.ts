// Gradient checks: analytic gradients from the tensor core's autograd against central finite
// differences, as a report (`gradcheck`) or a vitest assertion (`expectGradcheck`), plus the
// case table that checks every differentiable op of @recur/tensor.

export { gradcheck, coordsOf, DEFAULT_GRADCHECK, type GradcheckOptions, type GradcheckElement, type GradcheckReport } from './gradcheck.js';
export { expectGradcheck, formatGradcheckReport, type ExpectGradcheckOptions } from './expect-gradcheck.js';
export { withTemplateLayout } from './same-layout.js';
export { awayFrom, distinctInput, positiveInput, separatedPair, transposedInput, seedOf } from './inputs.js';
export { gradcheckCase, type GradcheckCase, type GradcheckCaseSetup } from './op-case.js';
export { opGradcheckCases, expectGradcheckCase, gradcheckCaseReport } from './cases.js';
