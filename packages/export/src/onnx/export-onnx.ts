// exportOnnx: a Recur module as an ONNX model (opset 17, IR version 8), its weights as
// initializers, inputs named and shaped by the caller (strings are dynamic axes, e.g. 'batch').
// The graph computes the module's forward in eval mode (dropout off).

import { ValueError } from '@recur/backend';
import { Module } from '@recur/cells';
import type { Tensor } from '@recur/tensor';
import { ExportContext } from './context.js';
import { OnnxGraph, type OnnxElementType, type OnnxValue } from './graph.js';
import { installBuiltinExporters } from './module-exporters.js';
import { modelProto } from './schema.js';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export interface OnnxInputSpec {
  readonly name: string;
  /** Sizes; a string names a dynamic axis ('batch', 'sequence'). */
  readonly shape: readonly (number | string)[];
  /** float32 (default), int32 (token ids) or bool (masks). */
  readonly dtype?: 'float32' | 'int32' | 'bool';
}

export interface ExportOnnxOptions {
  readonly inputs: readonly OnnxInputSpec[];
  /** Names of the graph outputs, in the order the module returns them (default output, output_1, …). */
  readonly outputNames?: readonly string[];
  /** Element types of the outputs, in order (default float32 each; e.g. int32 for decoded token ids). */
  readonly outputDtypes?: readonly OnnxElementType[];
  /** ONNX model metadata_props, e.g. { task: 'births' }. */
  readonly metadata?: Readonly<Record<string, string>>;
}

function checkInputs(inputs: unknown): asserts inputs is readonly OnnxInputSpec[] {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new ValueError(`exportOnnx: expected options.inputs, a non-empty array of { name, shape, dtype? }; got ${String(inputs)}`);
  for (const spec of inputs as OnnxInputSpec[]) {
    const ok =
      spec &&
      typeof spec.name === 'string' &&
      spec.name !== '' &&
      Array.isArray(spec.shape) &&
      spec.shape.every((d) => (typeof d === 'number' && Number.isInteger(d) && d >= 0) || (typeof d === 'string' && d !== ''));
    if (!ok)
      throw new ValueError(
        `exportOnnx: an input must be { name: non-empty string, shape: sizes or axis names }; got ${JSON.stringify(spec)}`,
      );
    if (spec.dtype !== undefined && spec.dtype !== 'float32' && spec.dtype !== 'int32' && spec.dtype !== 'bool') {
      throw new ValueError(`exportOnnx: input '${spec.name}': dtype must be 'float32', 'int32' or 'bool'; got ${String(spec.dtype)}`);
    }
  }
}

/** The ONNX model bytes of `module` applied to `options.inputs`. */
export async function exportOnnx(module: Module, options: ExportOnnxOptions): Promise<Uint8Array> {
  if (!(module instanceof Module)) throw new ValueError(`exportOnnx: expected a Module; got ${typeof module}`);
  checkInputs(options?.inputs);
  installBuiltinExporters();
  const host = new Map<Tensor, Float32Array>();
  for (const tensor of Object.values(module.stateDict())) {
    if (tensor.dtype !== 'float32') throw new ValueError(`exportOnnx: weights must be float32; got ${tensor.dtype}`);
    host.set(tensor, Float32Array.from(await tensor.data()));
  }
  const graph = new OnnxGraph();
  const inputs: OnnxValue[] = options.inputs.map((spec) =>
    graph.input(spec.name, (spec.dtype ?? 'float32') as OnnxElementType, spec.shape),
  );
  const context = new ExportContext(graph, module, host);
  const outputs = context.call(module, inputs);
  const names = options.outputNames ?? outputs.map((_, i) => (i === 0 ? 'output' : `output_${i}`));
  if (names.length !== outputs.length)
    throw new ValueError(`exportOnnx: ${module.constructor.name} has ${outputs.length} outputs; got ${names.length} outputNames`);
  outputs.forEach((value, i) => graph.output(value, names[i]!, options.outputDtypes?.[i] ?? 'float32'));
  const message = {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'recur',
    producer_version: '0.1.0',
    graph: {
      name: module.constructor.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: graph.inputs,
      output: graph.outputs,
    },
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value: String(value) })),
  };
  const type = modelProto();
  return type.encode(type.fromObject(message)).finish();
}
