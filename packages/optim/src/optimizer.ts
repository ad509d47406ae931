// The optimizer base (torch.optim.Optimizer): parameter groups with per-group hyper-parameters,
// per-parameter state kept outside every scope, zeroGrad, and PyTorch's state_dict structure.
// p parameter, g its gradient; each subclass spells out its own update equations.

import {
  BackendError,
  DTypeError,
  FormatError,
  GradError,
  ShapeError,
  Tensor,
  ValueError,
  backendOf,
  cast,
  checkOptions,
  clone,
  enableGrad,
  fmtShape,
  keep,
  moveInPlace,
  noGrad,
  resolveBackendTarget,
  zerosLike,
  type BackendTarget,
} from '@recur/tensor';
import { expectParams } from './checks.js';

/** A parameter's state: PyTorch's keys (`step`, `exp_avg`, …), tensors owned by the optimizer. */
export type ParamState = Record<string, Tensor | number>;

/** A hyper-parameter as stored in a state dict's param_groups. */
export type HyperValue = number | boolean | readonly number[] | null;

/** Keys the LR schedulers add to a group (PyTorch's initial_lr, max_lr, …). */
export interface SchedulerFields {
  initialLr?: number;
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
}

const SCHEDULER_KEYS: readonly string[] = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'];

/** A parameter group: its tensors and every hyper-parameter, resolved against the defaults. */
export type ParamGroup<C> = C & SchedulerFields & { params: Tensor[] };

/** A group as the user writes it: `{ params, lr: 1e-2 }`; missing options fall back to the defaults. */
export type ParamGroupInput<C> = Partial<C> & { readonly params: Iterable<Tensor> };

/** Either the parameters themselves (one group) or a list of groups. */
export type ParamsInput<C> = Iterable<Tensor> | Iterable<ParamGroupInput<C>>;

export type GroupStateDict = { params: number[] } & { [key: string]: HyperValue };

/**
 * `{ state: { [paramIndex]: { step, exp_avg, … } }, param_groups: [{ lr, …, params }] }` with
 * snake_case keys, so it maps onto PyTorch's optimizer.state_dict(). Parameters are numbered
 * in group order from 0.
 */
export interface OptimizerStateDict {
  readonly state: Record<number, ParamState>;
  readonly param_groups: GroupStateDict[];
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camelCase = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export abstract class Optimizer<C extends { lr: number } = { lr: number }, S extends ParamState = ParamState> {
  readonly defaults: Readonly<C>;
  readonly paramGroups: ParamGroup<C>[] = [];
  /** Per-parameter state, created at a parameter's first step (Adagrad: at construction). */
  readonly state = new Map<Tensor, S>();

  protected constructor(
    /** The class name, for messages. */
    readonly name: string,
    params: ParamsInput<C>,
    defaults: C,
  ) {
    this.checkConfig(defaults, 'options');
    this.defaults = defaults;
    expectParams(name, params);
    const items = [...(params as Iterable<unknown>)];
    if (items.length === 0) throw new ValueError(`${name}: got an empty parameter list; expected at least one tensor`);
    const groups = items.every((item) => item instanceof Tensor)
      ? [{ params: items as Tensor[] } as unknown as ParamGroupInput<C>]
      : (items as ParamGroupInput<C>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Check every hyper-parameter of a resolved group; `where` names it in the messages. */
  protected abstract checkConfig(config: C, where: string): void;

  /** Update one parameter in place from its gradient (called under noGrad). */
  protected abstract update(param: Tensor, grad: Tensor, group: ParamGroup<C>): void;

  /** State keys a loaded entry must hold for this group's options. */
  protected abstract requiredState(group: ParamGroup<C>): readonly string[];

  /** Called for each new group (Adagrad creates its accumulators here). */
  protected initGroup(_group: ParamGroup<C>): void {}

  /** Add a group, e.g. parameters unfrozen later (torch's add_param_group). */
  addParamGroup(input: ParamGroupInput<C>): void {
    const index = this.paramGroups.length;
    const where = `parameter group ${index}`;
    if (input === null || typeof input !== 'object' || !('params' in input)) {
      throw new ValueError(`${this.name}: ${where} must be a tensor or { params, ...options }; got ${String(input)}`);
    }
    // A misspelt hyper-parameter in a group (`{ params, lrr }`) is an error, not a silent default.
    checkOptions(`${this.name} (${where})`, input, ['params', ...Object.keys(this.defaults), ...SCHEDULER_KEYS]);
    const params = input.params instanceof Tensor ? [input.params] : [...input.params];
    if (params.length === 0) throw new ValueError(`${this.name}: ${where} is empty; expected at least one tensor`);
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      const which = `${this.name}: parameter ${i} of ${where}`;
      if (!(p instanceof Tensor)) throw new ValueError(`${which}: expected a Tensor; got ${typeof p}`);
      if (p.dtype !== 'float32') throw new DTypeError(`${which}: expected float32; got ${p.dtype}`);
      if (!p.isLeaf) throw new GradError(`${which}: expected a leaf tensor; got one computed by '${p.gradFn!.name}'`);
      if (!p.requiresGrad) {
        throw new GradError(`${which} (shape ${fmtShape(p.shape)}): expected requiresGrad = true; got false`);
      }
      if (taken.has(p)) throw new ValueError(`${which}: appears more than once (in this or another parameter group)`);
      taken.add(p);
    });
    // Arrays (betas) are copied so a caller's later edits cannot reach into the group.
    const overrides = Object.fromEntries(
      Object.entries(input)
        .filter(([k, v]) => k !== 'params' && v !== undefined)
        .map(([k, v]) => [k, Array.isArray(v) ? [...(v as unknown[])] : v]),
    );
    const config = { ...this.defaults, ...overrides } as C;
    this.checkConfig(config, where);
    const group = { ...config, params } as ParamGroup<C>;
    this.paramGroups.push(group);
    this.initGroup(group);
  }

  /** Drop every gradient (setToNone, the default) or fill it with zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = checkOptions(`${this.name}.zeroGrad`, options, ['setToNone']).setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) {
          p.grad.dispose();
          p.grad = null;
        } else {
          noGrad(() => p.grad!.assign(0));
        }
      }
    }
  }

  /**
   * One update of every parameter that has a gradient, in place: parameters keep their
   * identity. `closure` (re-evaluating the loss) runs first with grad enabled; its result is returned.
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const grad = p.grad;
          if (!grad) continue;
          if (!sameShape(grad.shape, p.shape)) {
            throw new ShapeError(`${this.name}.step: gradient ${fmtShape(grad.shape)} for a parameter of shape ${fmtShape(p.shape)}`);
          }
          this.checkPlacement(p);
          this.update(p, grad, group);
        }
      }
    });
    return loss;
  }

  /**
   * Move every state tensor (momenta, squared averages) to `backend` in place, to follow
   * `await module.to(backend)`: `await optimizer.to(backend)`. Parameters are moved by their module.
   */
  async to(backend: BackendTarget): Promise<this> {
    const target = await resolveBackendTarget(`${this.name}.to`, backend);
    const moves: Promise<void>[] = [];
    for (const entry of this.state.values()) {
      for (const value of Object.values(entry)) if (value instanceof Tensor) moves.push(moveInPlace(value, target));
    }
    await Promise.all(moves);
    return this;
  }

  // A parameter moved without its state would mix backends (a fused kernel would even read
  // buffers of another device): refuse, naming the call that fixes it.
  private checkPlacement(p: Tensor): void {
    const entry = this.state.get(p);
    if (!entry) return;
    for (const [key, value] of Object.entries(entry)) {
      // The same instance, not merely the same name: two CPU instances share the name 'cpu'.
      if (value instanceof Tensor && backendOf(`${this.name}.step`, value) !== backendOf(`${this.name}.step`, p)) {
        const twin = value.backend === p.backend ? ' (another instance of that name)' : '';
        throw new BackendError(
          `${this.name}.step: expected state '${key}' of a parameter on the parameter's backend '${p.backend}'; got it on '${value.backend}'${twin}; move the optimizer with its module: await optimizer.to('${p.backend}')`,
        );
      }
    }
  }

  /** A zero tensor shaped like p that lives until `dispose()` (outside every scope). */
  protected zerosState(p: Tensor, value = 0): Tensor {
    return keep(value === 0 ? zerosLike(p) : zerosLike(p).assign(value));
  }

  /** The state dict, holding the optimizer's own state tensors (not copies). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const entry: Record<string, HyperValue> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key === 'params' || value === undefined) continue;
        entry[snakeCase(key)] = Array.isArray(value) ? [...(value as number[])] : (value as HyperValue);
      }
      const params = group.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...entry, params } as GroupStateDict;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, entry] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...entry };
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Load a state dict (this optimizer's or PyTorch's, same structure): hyper-parameters of each
   * group and copies of the state tensors. Groups must match in number and size; nothing
   * changes unless everything fits. A `step` may be a number or a one-element host tensor.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    const { configs, entries } = this.checkedLoad(dict);
    const loaded = new Map<Tensor, S>();
    try {
      for (const { param, saved } of entries) loaded.set(param, this.copyState(param, saved));
    } catch (error) {
      for (const entry of loaded.values()) disposeState(entry);
      throw error instanceof Error ? error : new FormatError(`${op}: ${String(error)}`);
    }
    for (const entry of this.state.values()) disposeState(entry);
    this.state.clear();
    loaded.forEach((entry, p) => this.state.set(p, entry));
    configs.forEach((config, k) => Object.assign(this.paramGroups[k]!, config));
  }

  /** Check a state dict as loadStateDict would, changing nothing (checkpoints check every part first). */
  checkStateDict(dict: OptimizerStateDict): void {
    this.checkedLoad(dict);
  }

  /**
   * Everything loadStateDict checks, before it touches anything: the structure, each group's
   * size and hyper-parameters, and every state entry — `step` a count ≥ 0, every other value a
   * tensor shaped like its parameter (a number there would break the next step).
   */
  private checkedLoad(dict: OptimizerStateDict): {
    configs: Record<string, unknown>[];
    entries: { param: Tensor; saved: Record<string, unknown> }[];
  } {
    const op = `${this.name}.loadStateDict`;
    const isRecord = (value: unknown): value is Record<string, unknown> =>
      value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Tensor);
    if (!isRecord(dict) || !Array.isArray(dict.param_groups) || !isRecord(dict.state)) {
      throw new FormatError(`${op}: expected { state: {...}, param_groups: [...] }; got ${kindOf(dict)}`);
    }
    if (dict.param_groups.length !== this.paramGroups.length) {
      throw new ValueError(`${op}: expected ${this.paramGroups.length} parameter groups; got ${dict.param_groups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const groupOf = new Map<Tensor, number>();
    const configs = (dict.param_groups as unknown[]).map((saved, k) => {
      const own = this.paramGroups[k]!;
      if (!isRecord(saved)) throw new FormatError(`${op}: param_groups[${k}] must be an object; got ${kindOf(saved)}`);
      const ids = saved.params;
      if (!Array.isArray(ids) || ids.length !== own.params.length) {
        const got = Array.isArray(ids) ? ids.length : kindOf(ids);
        throw new ValueError(`${op}: parameter group ${k} has ${own.params.length} parameters; the state dict's has ${got}`);
      }
      ids.forEach((id: unknown, i) => {
        if (!Number.isSafeInteger(id) || (id as number) < 0) {
          throw new FormatError(`${op}: param_groups[${k}].params[${i}] must be a parameter index ≥ 0; got ${kindOf(id)}`);
        }
        if (byIndex.has(id as number)) throw new FormatError(`${op}: parameter index ${id as number} appears twice in param_groups`);
        byIndex.set(id as number, own.params[i]!);
        groupOf.set(own.params[i]!, k);
      });
      const config: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(saved)) {
        const name = camelCase(key);
        // `fused` picks an implementation, not a training state: the optimizer keeps its own.
        if (key === 'params' || name === 'fused' || !(Object.hasOwn(this.defaults, name) || SCHEDULER_KEYS.includes(name))) continue;
        if (SCHEDULER_KEYS.includes(name) && !(typeof value === 'number' && Number.isFinite(value))) {
          throw new FormatError(`${op}: param_groups[${k}].${key} must be a finite number; got ${kindOf(value)}`);
        }
        config[name] = Array.isArray(value) ? [...value] : value;
      }
      this.checkConfig({ ...own, ...config }, `parameter group ${k}`);
      return config;
    });
    const entries: { param: Tensor; saved: Record<string, unknown> }[] = [];
    for (const [key, saved] of Object.entries(dict.state)) {
      const param = byIndex.get(Number(key));
      if (!param) continue;
      if (!isRecord(saved)) throw new FormatError(`${op}: state[${key}] must be an object of tensors; got ${kindOf(saved)}`);
      const present: string[] = [];
      for (const [name, value] of Object.entries(saved)) {
        if (value === null || value === undefined) continue;
        present.push(name);
        if (name === 'step') {
          const count = value instanceof Tensor ? (value.size === 1 ? value.itemSync() : NaN) : value;
          if (!Number.isSafeInteger(count) || (count as number) < 0) {
            throw new FormatError(
              `${op}: state[${key}].step must be an integer count ≥ 0 (a number or a one-element tensor); got ${kindOf(value)}`,
            );
          }
        } else if (!(value instanceof Tensor)) {
          throw new FormatError(`${op}: state[${key}].${name} must be a Tensor of shape ${fmtShape(param.shape)}; got ${kindOf(value)}`);
        } else if (!sameShape(value.shape, param.shape)) {
          throw new ShapeError(`${op}: state[${key}].${name} is ${fmtShape(value.shape)}; its parameter is ${fmtShape(param.shape)}`);
        }
      }
      const k = groupOf.get(param)!;
      const missing = this.requiredState({ ...this.paramGroups[k]!, ...configs[k] }).filter((name) => !present.includes(name));
      if (missing.length > 0) throw new FormatError(`${op}: state[${key}] lacks ${missing.join(', ')}`);
      entries.push({ param, saved });
    }
    return { configs, entries };
  }

  /** Copies of one checked state entry, outside every scope. */
  private copyState(p: Tensor, saved: Record<string, unknown>): S {
    const entry: ParamState = {};
    try {
      for (const [name, value] of Object.entries(saved)) {
        if (value === null || value === undefined) continue;
        if (name === 'step') entry[name] = value instanceof Tensor ? value.itemSync() : (value as number);
        else {
          const t = value as Tensor;
          entry[name] = keep(noGrad(() => (t.dtype === p.dtype ? clone(t) : cast(t, p.dtype))));
        }
      }
    } catch (error) {
      disposeState(entry);
      throw error;
    }
    return entry as S;
  }

  /** Free every state tensor; the optimizer starts afresh at its next step. */
  dispose(): void {
    for (const entry of this.state.values()) disposeState(entry);
    this.state.clear();
  }
}

/** What a value is, for messages, without printing a structure of unknown depth. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value instanceof Tensor) return `a tensor of shape ${fmtShape(value.shape)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

function disposeState(entry: ParamState): void {
  for (const value of Object.values(entry)) if (value instanceof Tensor) value.dispose();
}
