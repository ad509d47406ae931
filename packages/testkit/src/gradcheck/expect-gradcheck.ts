// `expectGradcheck`: runs `gradcheck` inside a vitest test and fails it with a message that names
// the input, the element (multi-index), both gradients and the tolerance that was missed.

import { expect } from 'vitest';
import type { Tensor } from '@recur/tensor';
import { gradcheck, type GradcheckElement, type GradcheckOptions, type GradcheckReport } from './gradcheck.js';

export interface ExpectGradcheckOptions extends GradcheckOptions {
  /**
   * Accept inputs whose gradient is zero everywhere. Off by default: such a check passes whatever
   * the VJP does (the input never reaches the output), so it could not fail.
   */
  readonly allowZeroGradient?: boolean;
  /** Prefix for the failure message (the op under test). */
  readonly label?: string;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toPrecision(6) : String(v));

function describeElement(e: GradcheckElement): string {
  const diff = Math.abs(e.analytic - e.numeric);
  return `input ${e.input} at [${e.coords.join(',')}]: analytic ${fmt(e.analytic)}, numeric ${fmt(e.numeric)}, |diff| ${fmt(diff)}`;
}

/** A readable account of a failed report (also useful in logs for a passing one). */
export function formatGradcheckReport(report: GradcheckReport, label = 'gradcheck'): string {
  const { atol, rtol, eps } = report.settings;
  const lines = [
    `${label}: ${report.mismatches.length} of ${report.checked} gradient elements outside ` +
      `atol ${atol} + rtol ${rtol}·|numeric| (step ${eps}·max(1,|x|)); max |diff| ${fmt(report.maxAbsError)}`,
  ];
  if (report.worst) lines.push(`  worst: ${describeElement(report.worst)}`);
  const shown = report.mismatches.slice(0, 8);
  for (const e of shown) lines.push(`  ${describeElement(e)}`);
  if (report.mismatches.length > shown.length) lines.push(`  … and ${report.mismatches.length - shown.length} more`);
  return lines.join('\n');
}

/** Fail the current test unless fn's analytic gradients match finite differences. */
export function expectGradcheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: ExpectGradcheckOptions = {},
): GradcheckReport {
  const { allowZeroGradient = false, label = 'gradcheck', ...checkOptions } = options;
  const report = gradcheck(fn, inputs, checkOptions);
  expect(report.ok, formatGradcheckReport(report, label)).toBe(true);
  if (!allowZeroGradient) {
    expect(
      report.zeroGradientInputs,
      `${label}: the gradient of input(s) ${report.zeroGradientInputs.join(', ')} is zero everywhere, so this check cannot fail; ` +
        'make every input reach the output or pass { allowZeroGradient: true }',
    ).toEqual([]);
  }
  expect(report.checked, `${label}: no input elements to check`).toBeGreaterThan(0);
  return report;
}
