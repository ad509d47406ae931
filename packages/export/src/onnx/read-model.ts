// Reading an ONNX model: decode the protobuf (a malformed file is a FormatError) and collect
// its float weights — initializers and Constant nodes — as host arrays with their dims.

import { FormatError } from '@recur/backend';
import { DataType, modelProto, type GraphMessage, type ModelMessage, type NodeMessage, type TensorMessage } from './schema.js';

export interface HostTensor {
  readonly dims: readonly number[];
  readonly values: Float32Array;
}

export interface ReadModel {
  readonly graph: GraphMessage;
  readonly nodes: readonly NodeMessage[];
  /** Float tensors by value name. */
  readonly weights: ReadonlyMap<string, HostTensor>;
}

function floatsOf(tensor: TensorMessage, source: string): HostTensor | null {
  const dims = (tensor.dims ?? []).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new FormatError(`${source}: tensor '${tensor.name}' has invalid dims [${dims.join(',')}]`);
  const size = dims.reduce((a, b) => a * b, 1);
  if (tensor.data_location === 1)
    throw new FormatError(`${source}: tensor '${tensor.name}' keeps its data in an external file; expected the weights inside the model`);
  let values: Float32Array;
  if (tensor.data_type === DataType.FLOAT) {
    const raw = tensor.raw_data;
    if (raw && raw.length > 0) {
      if (raw.length !== size * 4)
        throw new FormatError(
          `${source}: tensor '${tensor.name}' of dims [${dims.join(',')}] expected ${size * 4} bytes of raw_data; got ${raw.length}`,
        );
      // A copy: the decoder's bytes may be a view into a shared (and unaligned) pool.
      const copy = new Uint8Array(raw.length);
      copy.set(raw);
      values = new Float32Array(copy.buffer);
    } else {
      values = Float32Array.from(tensor.float_data ?? []);
    }
  } else if (tensor.data_type === DataType.DOUBLE) {
    values = Float32Array.from(tensor.double_data ?? []);
  } else {
    return null;
  }
  if (values.length !== size)
    throw new FormatError(`${source}: tensor '${tensor.name}' of dims [${dims.join(',')}] expected ${size} values; got ${values.length}`);
  return { dims, values };
}

export function readOnnxModel(bytes: Uint8Array, source = 'ONNX model'): ReadModel {
  if (!(bytes instanceof Uint8Array)) throw new FormatError(`${source}: expected the model's bytes (a Uint8Array); got ${typeof bytes}`);
  let model: ModelMessage;
  try {
    const type = modelProto();
    model = type.toObject(type.decode(bytes), { longs: Number, arrays: true, defaults: false }) as ModelMessage;
  } catch (error) {
    throw Object.assign(new FormatError(`${source}: not a valid ONNX protobuf: ${(error as Error).message}`), { cause: error });
  }
  const graph = model.graph;
  if (!graph) throw new FormatError(`${source}: the model has no graph`);
  const weights = new Map<string, HostTensor>();
  for (const tensor of graph.initializer ?? []) {
    const host = floatsOf(tensor, source);
    if (host && tensor.name) weights.set(tensor.name, host);
  }
  const nodes = graph.node ?? [];
  for (const node of nodes) {
    if (node.op_type !== 'Constant') continue;
    const value = node.attribute?.find((a) => a.name === 'value')?.t;
    const host = value && floatsOf(value, source);
    if (host && node.output?.[0]) weights.set(node.output[0], host);
  }
  return { graph, nodes, weights };
}

/** An int attribute of a node, or `fallback`. */
export function intAttribute(node: NodeMessage, name: string, fallback: number): number {
  const found = node.attribute?.find((a) => a.name === name);
  return found?.i === undefined ? fallback : Number(found.i);
}

/** A string attribute of a node, or `fallback`. */
export function stringAttribute(node: NodeMessage, name: string, fallback: string): string {
  const found = node.attribute?.find((a) => a.name === name);
  return found?.s ? new TextDecoder().decode(found.s) : fallback;
}
