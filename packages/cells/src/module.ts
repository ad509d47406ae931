// Module: a tree of named parameters, buffers and submodules with PyTorch's naming, so
// state-dict keys (`lstm.weight_ih_l0`, `fc.bias`) move both ways between Recur and PyTorch.

import {
  FormatError,
  Tensor,
  ValueError,
  cast,
  checkOptions,
  describeValue,
  expectBool,
  fmtShape,
  keep,
  moveInPlace,
  noGrad,
  resolveBackendTarget,
  type BackendTarget,
} from '@recur/tensor';
import { Parameter } from './parameter.js';
import { StateDictError } from './errors.js';

export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  readonly missingKeys: string[];
  readonly unexpectedKeys: string[];
}

export abstract class Module {
  /** Training mode switches dropout on; `eval()` switches it off. */
  training = true;
  private readonly parameters_ = new Map<string, Parameter | null>();
  private readonly buffers_ = new Map<string, Tensor | null>();
  private readonly modules_ = new Map<string, Module | null>();

  /** Register (or replace) a parameter under `name`; returns it for `this.weight = …`. */
  protected registerParameter<P extends Parameter | null>(name: string, parameter: P): P {
    this.checkName('registerParameter', name, this.parameters_);
    const old = this.parameters_.get(name);
    if (old && old !== parameter) old.dispose();
    this.parameters_.set(name, parameter);
    return parameter;
  }

  /**
   * Register a persistent non-trainable tensor (saved in the state dict). The module owns it:
   * it leaves every scope (as a Parameter does), and a replaced buffer is freed.
   */
  protected registerBuffer<T extends Tensor | null>(name: string, buffer: T): T {
    this.checkName('registerBuffer', name, this.buffers_);
    const old = this.buffers_.get(name);
    if (old && old !== buffer) old.dispose();
    if (buffer) keep(buffer);
    this.buffers_.set(name, buffer);
    return buffer;
  }

  protected registerModule<M extends Module | null>(name: string, module: M): M {
    this.checkName('registerModule', name, this.modules_);
    this.modules_.set(name, module);
    return module;
  }

  /** State-dict keys join names with '.', so a name holding one (or used twice) would be ambiguous. */
  private checkName(op: string, name: string, own: ReadonlyMap<string, unknown>): void {
    if (name === '' || name.includes('.')) {
      throw new ValueError(`${op}: name must be non-empty and contain no '.'; got ${JSON.stringify(name)}`);
    }
    for (const other of [this.parameters_, this.buffers_, this.modules_] as ReadonlyMap<string, unknown>[]) {
      if (other !== own && other.has(name)) {
        throw new ValueError(`${op}: '${name}' is already registered as another kind (parameter, buffer or module)`);
      }
    }
  }

  /** (name, module) for this module and every descendant, depth first; names joined by '.'. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const stack: [string, Module][] = [[prefix, this]];
    while (stack.length > 0) {
      const [name, module] = stack.pop()!;
      if (seen.has(module)) continue;
      seen.add(module);
      out.push([name, module]);
      const children = [...module.modules_].filter((e): e is [string, Module] => e[1] !== null);
      for (let i = children.length - 1; i >= 0; i--) {
        const [child, m] = children[i]!;
        stack.push([name ? `${name}.${child}` : child, m]);
      }
    }
    return out;
  }

  children(): Module[] {
    return [...this.modules_.values()].filter((m): m is Module => m !== null);
  }

  namedChildren(): [string, Module][] {
    return [...this.modules_].filter((e): e is [string, Module] => e[1] !== null);
  }

  /** (name, parameter) pairs in registration order, each parameter once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, p] of module.parameters_) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, b] of module.buffers_) if (b) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  /** Parameters and buffers by PyTorch state-dict key. The tensors are the module's own. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [prefix, module] of this.namedModules()) {
      const key = (name: string) => (prefix ? `${prefix}.${name}` : name);
      for (const [name, p] of module.parameters_) if (p) out[key(name)] = p;
      for (const [name, b] of module.buffers_) if (b) out[key(name)] = b;
    }
    return out;
  }

  /**
   * Copy values from a state dict (PyTorch's keys) into this module's tensors. With `strict`
   * (default), any missing or unexpected key throws a StateDictError listing all of them;
   * shape mismatches always throw. Nothing is written unless everything fits.
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>>, options: { strict?: boolean } = {}): LoadResult {
    const strict = checkOptions('loadStateDict', options, ['strict']).strict ?? true;
    expectBool('loadStateDict', 'strict', strict);
    if (dict === null || typeof dict !== 'object' || Array.isArray(dict) || dict instanceof Tensor) {
      throw new FormatError(`loadStateDict: expected a state dict { [key]: Tensor }; got ${describeValue(dict)}`);
    }
    const own = this.stateDict();
    // Every value that would be loaded must be a tensor, checked before anything is written.
    const notTensors = Object.keys(own)
      .filter((k) => Object.hasOwn(dict, k) && !(dict[k] instanceof Tensor))
      .map((k) => `'${k}' is ${describeValue(dict[k])}`);
    if (notTensors.length > 0) throw new FormatError(`loadStateDict: state dict values must be tensors: ${notTensors.join(', ')}`);
    // Own keys only: a key such as 'constructor' must not be found on Object.prototype.
    const missingKeys = Object.keys(own).filter((k) => !Object.hasOwn(dict, k));
    const unexpectedKeys = Object.keys(dict).filter((k) => !Object.hasOwn(own, k));
    const shapeMismatches: string[] = [];
    for (const [key, target] of Object.entries(own)) {
      const source = Object.hasOwn(dict, key) ? dict[key] : undefined;
      if (source && !sameShape(source.shape, target.shape)) {
        shapeMismatches.push(`${key}: checkpoint ${fmtShape(source.shape)}, module ${fmtShape(target.shape)}`);
      }
    }
    if (shapeMismatches.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      throw new StateDictError(missingKeys, unexpectedKeys, shapeMismatches);
    }
    noGrad(() => {
      for (const [key, target] of Object.entries(own)) {
        const source = Object.hasOwn(dict, key) ? dict[key] : undefined;
        if (!source) continue;
        if (source.dtype === target.dtype) target.assign(source);
        else {
          const converted = cast(source, target.dtype);
          target.assign(converted);
          converted.dispose();
        }
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Set training mode on this module and every descendant. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Drop every parameter's gradient (PyTorch's default set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Move every parameter (with its gradient) and buffer to `backend` (an instance or a registered
   * name), in place: the Parameter objects stay the same, so an optimizer holding them keeps
   * working — move its state with `await optimizer.to(backend)`. Async because reading GPU memory
   * is: `await model.to('cpu')`. The old memory is freed.
   */
  async to(backend: BackendTarget): Promise<this> {
    const target = await resolveBackendTarget(`${this.constructor.name}.to`, backend);
    const tensors = new Set<Tensor>([...this.parameters(), ...this.namedBuffers().map(([, b]) => b)]);
    await Promise.all([...tensors].map((t) => moveInPlace(t, target)));
    return this;
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Free every parameter and buffer of this module tree. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const [, b] of this.namedBuffers()) b.dispose();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
