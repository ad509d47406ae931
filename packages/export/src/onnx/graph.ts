// A builder for one ONNX graph: nodes, initializers (the weights, named by their PyTorch
// state-dict keys where they are stored as PyTorch lays them out), graph inputs and outputs.
// Values carry their rank so emitters can pick ops (Gemm for [B, in], MatMul otherwise).

import { ValueError } from '@recur/backend';
import {
  AttributeType,
  DataType,
  type AttributeMessage,
  type GraphMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from './schema.js';

/** A value in the graph: its name and its rank (number of dimensions). */
export interface OnnxValue {
  readonly name: string;
  readonly rank: number;
}

/** An attribute value, tagged with its ONNX type (an epsilon of 1 is a float, not an int). */
export type OnnxAttribute =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly string: string }
  | { readonly strings: readonly string[] }
  | { readonly graph: OnnxGraph };

export type OnnxElementType = 'float32' | 'int32' | 'int64' | 'bool';

const ELEMENT: Record<OnnxElementType, number> = {
  float32: DataType.FLOAT,
  int32: DataType.INT32,
  int64: DataType.INT64,
  bool: DataType.BOOL,
};

const encoder = new TextEncoder();

function attribute(name: string, value: OnnxAttribute): AttributeMessage {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ('string' in value) return { name, type: AttributeType.STRING, s: encoder.encode(value.string) };
  if ('graph' in value) return { name, type: AttributeType.GRAPH, g: value.graph.message(name) };
  return { name, type: AttributeType.STRINGS, strings: value.strings.map((s) => encoder.encode(s)) };
}

function rawBytes(data: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  // Typed arrays are host-endian; ONNX raw_data is little-endian, as are all current JS hosts.
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

export function valueInfo(name: string, type: OnnxElementType, shape?: readonly (number | string)[]): ValueInfoMessage {
  const dims = shape?.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: ELEMENT[type], ...(dims ? { shape: { dim: dims } } : {}) } } };
}

export class OnnxGraph {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  readonly inputs: ValueInfoMessage[] = [];
  readonly outputs: ValueInfoMessage[] = [];
  private readonly names: Set<string>;
  private counter = 0;

  /** A top-level graph, or (with `parent`) a subgraph, e.g. a Scan body, whose names stay clear of its parent's. */
  constructor(parent?: OnnxGraph) {
    this.names = parent ? parent.names : new Set<string>();
  }

  /** The GraphProto fields of this graph (a subgraph attribute's value). */
  message(name: string): GraphMessage {
    return { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  /** A subgraph output (in order): `value` under a fresh name from `base`. */
  bodyOutput(value: OnnxValue, base: string, type: OnnxElementType = 'float32'): void {
    const name = this.uniqueName(base);
    this.nodes.push({ op_type: 'Identity', name: `${name}_identity`, input: [value.name], output: [name] });
    this.outputs.push(valueInfo(name, type));
  }

  /** A subgraph input: a fresh name from `base`, its element type, its rank (shape left to inference). */
  bodyInput(base: string, type: OnnxElementType, rank: number): OnnxValue {
    const name = this.uniqueName(base);
    // Scalars say so (a Loop's iteration count and condition must); other shapes are inferred.
    this.inputs.push(valueInfo(name, type, rank === 0 ? [] : undefined));
    return { name, rank };
  }

  /** `base` itself when free, else `base_1`, `base_2`, … */
  uniqueName(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  input(name: string, type: OnnxElementType, shape: readonly (number | string)[]): OnnxValue {
    if (this.names.has(name)) throw new ValueError(`exportOnnx: input name '${name}' is used twice`);
    this.names.add(name);
    this.inputs.push(valueInfo(name, type, shape));
    return { name, rank: shape.length };
  }

  output(value: OnnxValue, name: string, type: OnnxElementType = 'float32'): void {
    // Graph outputs get the caller's names through an Identity, so inner names stay free.
    if (this.names.has(name)) throw new ValueError(`exportOnnx: output name '${name}' is already a value of the graph`);
    this.names.add(name);
    this.nodes.push({ op_type: 'Identity', name: `${name}_identity`, input: [value.name], output: [name] });
    this.outputs.push(valueInfo(name, type));
  }

  /** A weight or constant; float32 unless the data says otherwise. */
  initializer(base: string, data: Float32Array | Int32Array | BigInt64Array, dims: readonly number[], rank = dims.length): OnnxValue {
    const name = this.uniqueName(base);
    const dataType = data instanceof Float32Array ? DataType.FLOAT : data instanceof Int32Array ? DataType.INT32 : DataType.INT64;
    this.initializers.push({ name, dims: [...dims], data_type: dataType, raw_data: rawBytes(data) });
    return { name, rank };
  }

  /** An int64 constant (shapes, axes, indices); a scalar when `scalar`. */
  int64s(base: string, values: readonly number[], scalar = false): OnnxValue {
    return this.initializer(base, BigInt64Array.from(values.map(BigInt)), scalar ? [] : [values.length]);
  }

  /**
   * Add a node; `inputs` may hold '' (or undefined) for an absent optional input, trailing ones
   * dropped. Returns one value per entry of `outputRanks`.
   */
  node(
    opType: string,
    inputs: readonly (OnnxValue | string | undefined | null)[],
    outputRanks: readonly number[],
    attributes: Readonly<Record<string, OnnxAttribute>> = {},
  ): OnnxValue[] {
    const names = inputs.map((v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : v.name));
    while (names.length > 0 && names[names.length - 1] === '') names.pop();
    const base = opType.toLowerCase();
    const outputs = outputRanks.map((rank) => ({ name: this.uniqueName(`${base}_out`), rank }));
    this.nodes.push({
      op_type: opType,
      name: this.uniqueName(opType),
      input: names,
      output: outputs.map((o) => o.name),
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return outputs;
  }

  /** A one-output node. */
  op(
    opType: string,
    inputs: readonly (OnnxValue | string | undefined | null)[],
    rank: number,
    attributes: Readonly<Record<string, OnnxAttribute>> = {},
  ): OnnxValue {
    return this.node(opType, inputs, [rank], attributes)[0]!;
  }

  // Activations and elementwise helpers, for exporters of custom modules.
  tanh(x: OnnxValue): OnnxValue {
    return this.op('Tanh', [x], x.rank);
  }
  sigmoid(x: OnnxValue): OnnxValue {
    return this.op('Sigmoid', [x], x.rank);
  }
  relu(x: OnnxValue): OnnxValue {
    return this.op('Relu', [x], x.rank);
  }
  softmax(x: OnnxValue, axis = -1): OnnxValue {
    return this.op('Softmax', [x], x.rank, { axis: { int: axis } });
  }
  add(a: OnnxValue, b: OnnxValue): OnnxValue {
    return this.op('Add', [a, b], Math.max(a.rank, b.rank));
  }
  /** x.select(axis, index): Gather with a scalar index drops the axis. */
  select(x: OnnxValue, axis: number, index: number): OnnxValue {
    return this.op('Gather', [x, this.int64s('index', [index], true)], x.rank - 1, { axis: { int: axis } });
  }
  transpose(x: OnnxValue, perm: readonly number[]): OnnxValue {
    return this.op('Transpose', [x], x.rank, { perm: { ints: perm } });
  }
}
