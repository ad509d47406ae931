// Magnitude pruning, as torch.nn.utils.prune.l1_unstructured (one parameter) and
// global_unstructured (one threshold over several): the k entries of smallest |w| are set to
// zero in place, k = round-half-even(amount · N) for a fraction or `count` itself; N entries in all.

import { ValueError, describeValue } from '@recur/backend';
import { Module, type Parameter } from '@recur/cells';
import { backendOf, fromTypedArray, noGrad } from '@recur/tensor';
import { sparsityOf, type SparsityReport } from './sparsity.js';

export interface PruneAmount {
  /** The fraction of entries to zero, in [0, 1] (PyTorch's float `amount`). */
  readonly amount?: number;
  /** The number of entries to zero (PyTorch's int `amount`; JavaScript has one number type, so it is its own key). */
  readonly count?: number;
}

/** A parameter named as PyTorch names it for pruning: its module and its own name there ('weight'). */
export type PruneTarget = readonly [Module, string];

/** Python's round(): halves go to the even neighbour, as torch's _compute_nparams_toprune does. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function entriesToPrune(where: string, options: PruneAmount, size: number): number {
  if (options === null || typeof options !== 'object')
    throw new ValueError(`${where}: expected options { amount } or { count }; got ${describeValue(options)}`);
  const unknown = Object.keys(options).filter((key) => key !== 'amount' && key !== 'count');
  if (unknown.length > 0) throw new ValueError(`${where}: unknown option '${unknown[0]}' (expected amount or count)`);
  const { amount, count } = options;
  if ((amount === undefined) === (count === undefined))
    throw new ValueError(`${where}: expected exactly one of amount (a fraction) or count (entries); got ${describeValue(options)}`);
  if (amount !== undefined) {
    if (typeof amount !== 'number' || !(amount >= 0 && amount <= 1))
      throw new ValueError(`${where}: amount must be a fraction in [0, 1]; got ${describeValue(amount)}`);
    return roundHalfEven(amount * size);
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
    throw new ValueError(`${where}: count must be a non-negative integer; got ${describeValue(count)}`);
  if (count > size) throw new ValueError(`${where}: count ${count} is larger than the ${size} entries to prune`);
  return count;
}

function ownParameter(where: string, target: PruneTarget): Parameter {
  if (!Array.isArray(target) || !(target[0] instanceof Module) || typeof target[1] !== 'string')
    throw new ValueError(`${where}: expected a [module, parameterName] pair; got ${describeValue(target)}`);
  const [module, name] = target;
  const found = module.namedParameters().find(([key]) => key === name);
  if (!found) {
    const own = module
      .namedParameters()
      .map(([key]) => key)
      .filter((key) => !key.includes('.'));
    throw new ValueError(`${where}: ${module.constructor.name} has no parameter '${name}' (it has: ${own.join(', ') || 'none'})`);
  }
  return found[1];
}

/**
 * Zero the k smallest |w| over the concatenation of `values` (in order). Ties at the threshold
 * go by position, first come first pruned; torch's topk leaves tie order unspecified
 * (std::partial_sort / nth_element compare values only), so the two can differ only among
 * entries of exactly equal magnitude. NaN counts as the largest magnitude, as in torch.
 */
function zeroSmallest(values: readonly Float32Array[], k: number): void {
  if (k === 0) return;
  const total = values.reduce((n, v) => n + v.length, 0);
  const magnitudes = new Float32Array(total);
  let at = 0;
  for (const v of values) for (let i = 0; i < v.length; i++) magnitudes[at++] = Math.abs(v[i]!);
  // Float32Array sorts numerically with NaN last.
  const threshold = magnitudes.slice().sort()[k - 1]!;
  let below = 0;
  for (const m of magnitudes) if (m < threshold) below++;
  let tiesLeft = k - below;
  for (const v of values) {
    for (let i = 0; i < v.length; i++) {
      const m = Math.abs(v[i]!);
      if (m < threshold) v[i] = 0;
      else if (tiesLeft > 0 && (m === threshold || (Number.isNaN(m) && Number.isNaN(threshold)))) {
        v[i] = 0;
        tiesLeft--;
      }
    }
  }
}

function prune(where: string, targets: readonly PruneTarget[], options: PruneAmount): SparsityReport {
  if (!Array.isArray(targets) || targets.length === 0)
    throw new ValueError(`${where}: expected a non-empty array of [module, parameterName] pairs; got ${describeValue(targets)}`);
  const parameters = targets.map((target) => ownParameter(where, target));
  if (new Set(parameters).size !== parameters.length) throw new ValueError(`${where}: a parameter is named twice`);
  const values = parameters.map((p) => Float32Array.from(p.dataSync()));
  const k = entriesToPrune(
    where,
    options,
    values.reduce((n, v) => n + v.length, 0),
  );
  zeroSmallest(values, k);
  noGrad(() => {
    parameters.forEach((p, i) => {
      const pruned = fromTypedArray(values[i]!, p.shape, { backend: backendOf('prune', p) });
      p.assign(pruned);
      pruned.dispose();
    });
  });
  return sparsityOf(targets.map(([module, name], i) => [`${module.constructor.name}.${name}`, values[i]!]));
}

/**
 * torch.nn.utils.prune.l1_unstructured(module, name, amount) followed by prune.remove: the
 * smallest-magnitude entries of `module[name]` become zero, for good (no mask is kept; a later
 * optimizer step can move them again).
 */
export function l1Unstructured(module: Module, name: string, options: PruneAmount): SparsityReport {
  return prune('l1Unstructured', [[module, name]], options);
}

/**
 * torch.nn.utils.prune.global_unstructured(parameters, L1Unstructured, amount): one magnitude
 * threshold over all the named parameters together, so layers lose different fractions.
 */
export function globalUnstructured(parameters: readonly PruneTarget[], options: PruneAmount): SparsityReport {
  return prune('globalUnstructured', parameters, options);
}

/** Every weight matrix of `model` (parameters of rank ≥ 2: not biases or norm gains), as pruning targets. */
export function weightMatrices(model: Module): PruneTarget[] {
  if (!(model instanceof Module)) throw new ValueError(`weightMatrices: expected a Module; got ${describeValue(model)}`);
  const targets: PruneTarget[] = [];
  const seen = new Set<Parameter>();
  for (const [, module] of model.namedModules()) {
    for (const [name, p] of module.namedParameters()) {
      if (name.includes('.') || p.shape.length < 2 || seen.has(p)) continue;
      seen.add(p);
      targets.push([module, name]);
    }
  }
  return targets;
}
