// Class labels: numbers or strings (never mixed), ordered like numpy's np.unique: numbers
// ascending, strings by Unicode code point. L is the label type.

import { MetricInputError } from './errors.js';

export type Label = number | string;

/** Code-point order (Python's str ordering); JS `<` compares UTF-16 units, which differs above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // skip the low surrogate of an astral code point
  }
  return a.length - b.length;
}

export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareCodePoints(String(a), String(b));
}

export type LabelKind = 'number' | 'string';

/**
 * Check that every label has the same JS type (sklearn refuses a mix of strings and numbers) and
 * that numbers are not NaN; returns the kind, or `known` when the input is empty.
 */
export function labelKind(op: string, name: string, values: ArrayLike<Label>, known?: LabelKind): LabelKind | undefined {
  let kind = known;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const type = typeof value;
    if (type !== 'number' && type !== 'string') {
      throw new MetricInputError(`${op}: ${name}[${i}] is a ${type}; labels must be numbers or strings`);
    }
    if (type === 'number' && Number.isNaN(value)) throw new MetricInputError(`${op}: ${name}[${i}] is NaN`);
    if (kind === undefined) kind = type as LabelKind;
    else if (kind !== type) {
      throw new MetricInputError(`${op}: mix of label types: ${name}[${i}] is a ${type}, earlier labels are ${kind}s`);
    }
  }
  return kind;
}

/** The sorted union of the labels in the given arrays (sklearn's unique_labels). */
export function uniqueLabels<L extends Label>(...arrays: readonly ArrayLike<L>[]): L[] {
  let kind: LabelKind | undefined;
  const seen = new Set<L>();
  arrays.forEach((values, a) => {
    kind = labelKind('uniqueLabels', `arrays[${a}]`, values, kind);
    for (let i = 0; i < values.length; i++) seen.add(values[i]!);
  });
  return [...seen].sort(compareLabels);
}
