// Float helpers that reference implementations rely on: Python's math.fsum (exactly rounded sum,
// used by NLTK's BLEU) and a guarded ratio. x a summand, hi/lo the high and low parts of a sum.

/**
 * Python's `math.fsum`: the correctly rounded sum of finite doubles (Shewchuk's partials plus
 * CPython's half-way correction), so BLEU's log-sum matches NLTK bit for bit.
 */
export function fsum(values: Iterable<number>): number {
  const partials: number[] = [];
  let special = 0;
  for (let x of values) {
    if (!Number.isFinite(x)) {
      special += x; // inf/nan propagate as in a plain sum; no partials can represent them
      continue;
    }
    let used = 0;
    for (let p = 0; p < partials.length; p++) {
      let y = partials[p]!;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[used++] = lo;
      x = hi;
    }
    partials.length = used;
    partials.push(x);
  }
  if (special !== 0 || Number.isNaN(special)) return special;
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // Round half-even correctly when the remaining partials push the tie one way.
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}

/** numerator / denominator, or `zeroDivision` when the denominator is 0 (sklearn's _prf_divide). */
export function ratio(numerator: number, denominator: number, zeroDivision: number): number {
  return denominator === 0 ? zeroDivision : numerator / denominator;
}
