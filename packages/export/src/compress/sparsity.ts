// Sparsity reports: for each parameter the entries that are exactly zero, and the total over all
// of them — what pruning left, and what the sparse encoding of a model file can save.

import { ValueError, describeValue } from '@recur/backend';
import { Module } from '@recur/cells';

export interface ParameterSparsity {
  readonly name: string;
  readonly size: number;
  readonly zeros: number;
  /** zeros / size (0 for an empty parameter). */
  readonly sparsity: number;
}

export interface SparsityReport {
  readonly parameters: readonly ParameterSparsity[];
  readonly total: { readonly size: number; readonly zeros: number; readonly sparsity: number };
}

export function sparsityOf(entries: readonly (readonly [string, ArrayLike<number>])[]): SparsityReport {
  const parameters = entries.map(([name, values]) => {
    let zeros = 0;
    for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
    return { name, size: values.length, zeros, sparsity: values.length === 0 ? 0 : zeros / values.length };
  });
  const size = parameters.reduce((n, p) => n + p.size, 0);
  const zeros = parameters.reduce((n, p) => n + p.zeros, 0);
  return { parameters, total: { size, zeros, sparsity: size === 0 ? 0 : zeros / size } };
}

/** The sparsity of every parameter of `model` (by state-dict key) and in total. */
export function sparsityReport(model: Module): SparsityReport {
  if (!(model instanceof Module)) throw new ValueError(`sparsityReport: expected a Module; got ${describeValue(model)}`);
  return sparsityOf(model.namedParameters().map(([name, p]) => [name, p.dataSync()] as const));
}
