// Gradient checks of every differentiable op of @recur/tensor on the CPU backend (the case table
// in gradcheck/cases-*.ts), proof that gradcheck catches wrong VJPs, and that a whole run of
// checks inside one scope gives back every tensor and byte it took.

import { describe, expect, it } from 'vitest';
import { DTypeError, Generator, attach, memory, mul, needsGrad, noGrad, randn, scope, tensor, type Tensor } from '@recur/tensor';
import {
  DEFAULT_GRADCHECK,
  expectGradcheck,
  expectGradcheckCase,
  gradcheck,
  gradcheckCaseReport,
  opGradcheckCases,
  transposedInput,
  withTemplateLayout,
} from './gradcheck/index.js';

/** x², but its VJP is `vjp(g, x)`: a stand-in for an op with a hand-written gradient. */
function squareWithVjp(vjp: (g: Tensor, x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    const y = noGrad(() => mul(x, x));
    if (needsGrad(x)) {
      attach(y, 'squareWithVjp', [x], { save: { x }, vjp: (g, { x: xs }) => [vjp(g, xs)] });
    }
    return y;
  };
}

const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Live tensors, buffers and bytes over all backends (the per-backend map appears on first use). */
function usage(): { numTensors: number; numBuffers: number; numBytes: number } {
  const { numTensors, numBuffers, numBytes } = memory();
  return { numTensors, numBuffers, numBytes };
}

for (const [family, cases] of Object.entries(opGradcheckCases)) {
  describe(`gradcheck: ${family}`, () => {
    for (const testCase of cases) {
      it(testCase.name, () => {
        const before = usage();
        scope(() => {
          expectGradcheckCase(testCase);
        });
        expect(usage(), 'memory() after the check').toEqual(before);
      });
    }
  });
}

describe('gradcheck itself', () => {
  it('passes a correct hand-written VJP', () => {
    scope(() => {
      const report = expectGradcheck(
        squareWithVjp((g, x) => mul(g, mul(x, 2))),
        [randn([2, 3])],
      );
      expect(report.checked).toBe(6);
      expect(report.maxAbsError).toBeLessThan(DEFAULT_GRADCHECK.atol);
    });
  });

  it('catches a VJP missing a factor of 2, and names the element', () => {
    scope(() => {
      const x = tensor([
        [0.5, -1],
        [1.5, 2],
      ]);
      const report = gradcheck(
        squareWithVjp((g, xs) => mul(g, xs)),
        [x],
      );
      expect(report.ok).toBe(false);
      expect(report.mismatches).toHaveLength(4);
      // d Σ x²·r / dx = 2·x·r; the wrong VJP gives x·r, off by exactly half the true value.
      const r = values(randn([2, 2], { generator: new Generator(DEFAULT_GRADCHECK.seed) }));
      for (const e of report.mismatches) {
        const xv = [0.5, -1, 1.5, 2][e.index]!;
        expect(e.numeric).toBeCloseTo(2 * xv * r[e.index]!, 3);
        expect(e.analytic).toBeCloseTo(xv * r[e.index]!, 5);
      }
      expect(report.worst!.input).toBe(0);
      expect(report.worst!.coords).toEqual([Math.floor(report.worst!.index / 2), report.worst!.index % 2]);
    });
  });

  it('catches a gradient sent to the wrong elements', () => {
    scope(() => {
      const transposed = squareWithVjp((g, x) => mul(g, mul(x, 2)).transpose());
      expect(gradcheck(transposed, [randn([2, 2])]).ok).toBe(false);
    });
  });

  it('catches a gradient path cut by detach()', () => {
    scope(() => {
      expect(gradcheck((x) => mul(x.detach(), x), [randn([3])]).ok).toBe(false);
    });
  });

  it('fails expectGradcheck with a readable message', () => {
    scope(() => {
      const bad = squareWithVjp((g) => g);
      expect(() => expectGradcheck(bad, [tensor([1, 2, 3])], { label: 'badSquare' })).toThrow(
        /badSquare: \d of 3 gradient elements outside atol 0\.001 \+ rtol 0\.01.*\n {2}worst: input 0 at \[\d\]: analytic/,
      );
    });
  });

  it('refuses a vacuous check: an input that never reaches the output', () => {
    scope(() => {
      const fn = (a: Tensor, _unused: Tensor) => mul(a, 2);
      const report = gradcheck(fn, [randn([2]), randn([2])]);
      expect(report.ok).toBe(true);
      expect(report.zeroGradientInputs).toEqual([1]);
      expect(() => expectGradcheck(fn, [randn([2]), randn([2])])).toThrow(/input\(s\) 1 is zero everywhere/);
      expect(() => expectGradcheck(fn, [randn([2]), randn([2])], { allowZeroGradient: true })).not.toThrow();
    });
  });

  it('counts a NaN gradient as a mismatch', () => {
    scope(() => {
      const report = gradcheck(
        squareWithVjp((g) => mul(g, Number.NaN)),
        [randn([2])],
      );
      expect(report.ok).toBe(false);
      expect(report.maxAbsError).toBe(Infinity);
    });
  });

  it('leaves its inputs untouched and works inside noGrad', () => {
    scope(() => {
      const x = transposedInput([2, 3]);
      const before = values(x);
      const report = noGrad(() => gradcheck((t) => t.mul(t), [x]));
      expect(report.ok).toBe(true);
      expect(x.requiresGrad).toBe(false);
      expect(x.grad).toBeNull();
      expect(x.isContiguous).toBe(false);
      expect(values(x)).toEqual(before);
    });
  });

  it('rebuilds perturbed inputs in the template layout', () => {
    scope(() => {
      const template = randn([2, 3, 4]).permute([2, 0, 1]);
      const data = Float32Array.from({ length: 24 }, (_, i) => i);
      const rebuilt = withTemplateLayout(template, data);
      expect(rebuilt.shape).toEqual(template.shape);
      expect(rebuilt.strides).toEqual(template.strides);
      expect(values(rebuilt)).toEqual(Array.from(data));
    });
  });

  it('rejects non-float32 inputs', () => {
    scope(() => {
      expect(() => gradcheck((x) => x, [tensor([1, 2], { dtype: 'int32' })])).toThrow(DTypeError);
    });
  });
});

describe('gradcheck memory', () => {
  it('every op check together, in one scope, leaves memory() where it started', () => {
    const before = usage();
    let checked = 0;
    scope(() => {
      for (const cases of Object.values(opGradcheckCases)) {
        for (const testCase of cases) checked += gradcheckCaseReport(testCase).checked;
      }
    });
    expect(checked).toBeGreaterThan(1000);
    expect(usage()).toEqual(before);
  });

  it('a check whose fn throws frees what it made', () => {
    const before = usage();
    const x = randn([3]);
    expect(() =>
      gradcheck(
        (t) => {
          t.mul(2);
          throw new Error('boom');
        },
        [x],
      ),
    ).toThrow('boom');
    x.dispose();
    expect(usage()).toEqual(before);
  });
});
