// What an ONNX exporter of one module sees: the graph, the host copy of every weight (read once,
// before emitting, so exporters stay synchronous on every backend), its own state-dict prefix,
// and `call` to emit a child module. Exporters are found by the module's exact class.

import { ValueError } from '@recur/backend';
import type { Module } from '@recur/cells';
import type { Tensor } from '@recur/tensor';
import type { OnnxGraph, OnnxValue } from './graph.js';

/** Emits `module` applied to `inputs` (absent optional inputs undefined); returns its outputs. */
export type OnnxExporter<M extends Module = Module> = (
  module: M,
  inputs: readonly (OnnxValue | undefined)[],
  context: ExportContext,
) => OnnxValue[];

type ModuleClass<M extends Module> = abstract new (...args: never[]) => M;

const exporters = new Map<unknown, OnnxExporter<never>>();

/** Register built-in exporters (modules/…) without replacing a user's registration. */
export function registerDefaultExporter<M extends Module>(moduleClass: ModuleClass<M>, exporter: OnnxExporter<M>): void {
  if (!exporters.has(moduleClass)) exporters.set(moduleClass, exporter as OnnxExporter<never>);
}

/** Register the ONNX exporter of a module class (custom modules; built-ins are registered already). */
export function registerOnnxExporter<M extends Module>(moduleClass: ModuleClass<M>, exporter: OnnxExporter<M>): void {
  if (typeof moduleClass !== 'function' || typeof exporter !== 'function') {
    throw new ValueError(
      `registerOnnxExporter: expected a module class and an exporter function; got ${typeof moduleClass} and ${typeof exporter}`,
    );
  }
  exporters.set(moduleClass, exporter as OnnxExporter<never>);
}

export class ExportContext {
  private readonly prefixes: Map<Module, string>;
  /** One initializer per parameter, however often its module is called (shared layers, unrolled steps). */
  private readonly initializers: Map<Tensor, OnnxValue>;
  /** Where parameters become initializers: the top-level graph, which every subgraph can read. */
  private readonly weightGraph: OnnxGraph;

  constructor(
    readonly graph: OnnxGraph,
    root: Module | null,
    private readonly host: ReadonlyMap<Tensor, Float32Array>,
    parent?: ExportContext,
  ) {
    this.prefixes = parent ? parent.prefixes : new Map(root?.namedModules().map(([name, module]) => [module, name]));
    this.initializers = parent ? parent.initializers : new Map();
    this.weightGraph = parent ? parent.weightGraph : graph;
  }

  /** The same export emitting into `body` (a Loop or Scan body): modules called there add their nodes to it. */
  withGraph(body: OnnxGraph): ExportContext {
    return new ExportContext(body, null, this.host, this);
  }

  /** The module's state-dict prefix ('' for the root, 'lstm.' for a child named lstm). */
  prefix(module: Module): string {
    const name = this.prefixes.get(module);
    return name ? `${name}.` : '';
  }

  /** The host values of a parameter of the exported model. */
  values(tensor: Tensor): Float32Array {
    const values = this.host.get(tensor);
    if (!values)
      throw new ValueError(`exportOnnx: a tensor of shape [${tensor.shape.join(',')}] is not a parameter or buffer of the exported module`);
    return values;
  }

  /** A parameter as an initializer named by its state-dict key. */
  weight(module: Module, name: string, tensor: Tensor): OnnxValue {
    let value = this.initializers.get(tensor);
    if (!value) {
      value = this.weightGraph.initializer(`${this.prefix(module)}${name}`, this.values(tensor), tensor.shape);
      this.initializers.set(tensor, value);
    }
    return value;
  }

  call(module: Module, inputs: readonly (OnnxValue | undefined)[]): OnnxValue[] {
    const exporter = exporters.get(module.constructor);
    if (!exporter) {
      throw new ValueError(
        `exportOnnx: no ONNX exporter for ${module.constructor.name} (at '${this.prefix(module).slice(0, -1) || 'the root'}'); ` +
          'register one with registerOnnxExporter(Class, (module, inputs, context) => outputs)',
      );
    }
    return exporter(module as never, inputs, this);
  }
}
