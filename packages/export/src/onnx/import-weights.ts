// Import the weights of an ONNX graph — LSTM / GRU / RNN nodes and Gemm or MatMul (+ Add)
// linear maps, as torch.onnx.export writes them — into a Recur module's state dict. Weights whose
// names are state-dict keys (fc.weight) are taken by name; recurrent nodes fill the module's
// recurrent layers in order (one node per layer), gates reordered back to PyTorch's i f g o / r z n;
// the remaining linear nodes fill the remaining Linear modules in order. W is [out, in] (PyTorch).

import { FormatError } from '@recur/backend';
import { GRU, GRUCell, Linear, LSTM, LSTMCell, Module, RNN, RNNCell, type RecurrentBase } from '@recur/cells';
import { backendOf, fromTypedArray, type Tensor } from '@recur/tensor';
import { gateCount, onnxOpOf, toTorchOrder, type OnnxRecurrentOp } from './gate-order.js';
import { intAttribute, readOnnxModel, stringAttribute, type HostTensor } from './read-model.js';
import type { NodeMessage } from './schema.js';

export interface ImportOnnxOptions {
  /** Require every weight of the module to be found (default true). */
  readonly strict?: boolean;
  /** Named in error messages (a file path). */
  readonly source?: string;
}

export interface ImportOnnxResult {
  /** State-dict keys that were filled. */
  readonly loaded: readonly string[];
  /** State-dict keys the file had nothing for (empty when strict). */
  readonly missing: readonly string[];
}

interface HostWeight {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

function transpose2d(weight: HostTensor): HostWeight {
  const [rows, columns] = weight.dims as [number, number];
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = weight.values[r * columns + c]!;
  return { values: out, shape: [columns, rows] };
}

type Cell = RNNCell | LSTMCell | GRUCell;

interface RecurrentTarget {
  readonly prefix: string;
  readonly layer: number;
  readonly module: RecurrentBase | Cell;
  /** The ONNX op that holds its weights. */
  readonly op: OnnxRecurrentOp;
  readonly numDirections: number;
  /** Key suffix of direction d: `_l0`, `_l0_reverse` for layers, none for cells. */
  suffix(d: number): string;
}

/** The module's recurrent layers (one per layer of RNN/LSTM/GRU) and cells, in module order. */
function recurrentLayers(module: Module): RecurrentTarget[] {
  const layers: RecurrentTarget[] = [];
  for (const [name, child] of module.namedModules()) {
    const prefix = name ? `${name}.` : '';
    if (child instanceof RNN || child instanceof LSTM || child instanceof GRU) {
      for (let layer = 0; layer < child.numLayers; layer++) {
        layers.push({
          prefix,
          layer,
          module: child,
          op: onnxOpOf(child.mode),
          numDirections: child.numDirections,
          suffix: (d) => `_l${layer}${d === 1 ? '_reverse' : ''}`,
        });
      }
    } else if (child instanceof RNNCell || child instanceof LSTMCell || child instanceof GRUCell) {
      const op = child instanceof LSTMCell ? 'LSTM' : child instanceof GRUCell ? 'GRU' : 'RNN';
      layers.push({ prefix, layer: 0, module: child, op, numDirections: 1, suffix: () => '' });
    }
  }
  return layers;
}

/** The [out, in] weight and bias of a Gemm or MatMul(+Add) node, or null when its weight is not a constant. */
function linearOf(
  node: NodeMessage,
  weights: ReadonlyMap<string, HostTensor>,
  consumers: ReadonlyMap<string, NodeMessage[]>,
): { weight: HostWeight; weightName: string; bias: HostWeight | null } | null {
  const weightName = node.input?.[1] ?? '';
  const b = weights.get(weightName);
  if (!b || b.dims.length !== 2) return null;
  if (node.op_type === 'Gemm') {
    if (intAttribute(node, 'transA', 0) !== 0) return null;
    const weight = intAttribute(node, 'transB', 0) === 1 ? { values: b.values, shape: b.dims } : transpose2d(b);
    const c = weights.get(node.input?.[2] ?? '');
    return { weight, weightName, bias: c ? { values: c.values, shape: [c.values.length] } : null };
  }
  // MatMul(x, Wᵀ) then Add(·, b): torch's nn.Linear on inputs of rank ≠ 2.
  const add = (consumers.get(node.output?.[0] ?? '') ?? []).find((n) => n.op_type === 'Add');
  const biasName = add?.input?.find((name) => name !== node.output?.[0]);
  const c = biasName ? weights.get(biasName) : undefined;
  return { weight: transpose2d(b), weightName, bias: c && c.dims.length === 1 ? { values: c.values, shape: c.dims } : null };
}

/** Fill `module`'s weights from the ONNX model `bytes`; a FormatError says what did not fit. */
export function importOnnxWeights(module: Module, bytes: Uint8Array, options: ImportOnnxOptions = {}): ImportOnnxResult {
  if (!(module instanceof Module)) throw new FormatError(`importOnnxWeights: expected a Module to load into; got ${typeof module}`);
  const source = options.source ?? 'ONNX model';
  const strict = options.strict ?? true;
  const { nodes, weights } = readOnnxModel(bytes, source);
  const own = module.stateDict();
  const found = new Map<string, HostWeight>();
  const put = (key: string, weight: HostWeight) => {
    const target = own[key];
    if (!target)
      throw new FormatError(`${source}: the module has no weight '${key}' for the file's tensor of shape [${weight.shape.join(',')}]`);
    if (target.shape.length !== weight.shape.length || target.shape.some((d, i) => d !== weight.shape[i])) {
      throw new FormatError(`${source}: '${key}' expected shape [${target.shape.join(',')}]; the file has [${weight.shape.join(',')}]`);
    }
    found.set(key, weight);
  };

  // 1. By name: torch keeps parameter names for weights it stores unchanged (fc.weight, embedding.weight).
  const usedNames = new Set<string>();
  for (const [name, weight] of weights) {
    if (own[name] && own[name].shape.length === weight.dims.length && own[name].shape.every((d, i) => d === weight.dims[i])) {
      put(name, { values: weight.values, shape: weight.dims });
      usedNames.add(name);
    }
  }

  // 2. Recurrent nodes, one per layer, in graph order.
  const recurrentNodes = nodes.filter((n) => n.op_type === 'LSTM' || n.op_type === 'GRU' || n.op_type === 'RNN');
  const layers = recurrentLayers(module);
  if (recurrentNodes.length !== layers.length) {
    throw new FormatError(
      `${source}: expected ${layers.length} recurrent layers (LSTM/GRU/RNN nodes) for the module; the file has ${recurrentNodes.length}`,
    );
  }
  recurrentNodes.forEach((node, index) => {
    const entry = layers[index]!;
    const { prefix, layer, module: target } = entry;
    const op = node.op_type as OnnxRecurrentOp;
    const where = `${source}: ${op} node ${index} (${prefix}layer ${layer})`;
    if (op !== entry.op) throw new FormatError(`${where}: expected ${entry.op} for ${target.constructor.name}; got ${op}`);
    if (op === 'GRU' && intAttribute(node, 'linear_before_reset', 0) !== 1) {
      throw new FormatError(`${where}: expected linear_before_reset = 1 (PyTorch's GRU applies the reset after W_hn·h); got 0`);
    }
    const direction = stringAttribute(node, 'direction', 'forward');
    const D = direction === 'bidirectional' ? 2 : 1;
    if (D !== entry.numDirections || direction === 'reverse')
      throw new FormatError(`${where}: expected direction ${entry.numDirections === 2 ? 'bidirectional' : 'forward'}; got ${direction}`);
    if (op === 'RNN') {
      const activations = node.attribute
        ?.find((a) => a.name === 'activations')
        ?.strings?.map((s) => new TextDecoder().decode(s).toLowerCase()) ?? ['tanh'];
      const expected = (target as RNN | RNNCell).nonlinearity;
      if (activations.some((a) => a !== expected))
        throw new FormatError(`${where}: expected activations ${expected}; got ${activations.join(', ')}`);
    }
    const gates = gateCount(op);
    const H = target.hiddenSize;
    const [w, r, b] = [1, 2, 3].map((i) => weights.get(node.input?.[i] ?? ''));
    if (!w || !r) throw new FormatError(`${where}: expected constant W and R inputs; got ${node.input?.slice(1, 3).join(', ')}`);
    const columns = w.dims[2]!;
    if (w.dims.length !== 3 || w.dims[0] !== D || w.dims[1] !== gates * H)
      throw new FormatError(`${where}: W expected [${D}, ${gates * H}, in]; got [${w.dims.join(',')}]`);
    if (r.dims.length !== 3 || r.dims[0] !== D || r.dims[1] !== gates * H || r.dims[2] !== H)
      throw new FormatError(`${where}: R expected [${D}, ${gates * H}, ${H}]; got [${r.dims.join(',')}]`);
    if (b && (b.dims.length !== 2 || b.dims[0] !== D || b.dims[1] !== 2 * gates * H))
      throw new FormatError(`${where}: B expected [${D}, ${2 * gates * H}]; got [${b.dims.join(',')}]`);
    for (let d = 0; d < D; d++) {
      const suffix = entry.suffix(d);
      const block = (tensor: HostTensor, size: number, at: number) => toTorchOrder(op, tensor.values.subarray(at * size, (at + 1) * size));
      put(`${prefix}weight_ih${suffix}`, { values: block(w, gates * H * columns, d), shape: [gates * H, columns] });
      put(`${prefix}weight_hh${suffix}`, { values: block(r, gates * H * H, d), shape: [gates * H, H] });
      if (target.bias) {
        // Without B, ONNX's biases are zero.
        const zero = new Float32Array(gates * H);
        put(`${prefix}bias_ih${suffix}`, { values: b ? block(b, gates * H, 2 * d) : zero, shape: [gates * H] });
        put(`${prefix}bias_hh${suffix}`, { values: b ? block(b, gates * H, 2 * d + 1) : zero, shape: [gates * H] });
      } else if (b && b.values.some((v) => v !== 0)) {
        throw new FormatError(`${where}: the module has bias: false; the file has non-zero biases`);
      }
    }
  });

  // 3. Linear maps not matched by name, in graph order, onto the Linear modules without weights yet.
  const consumers = new Map<string, NodeMessage[]>();
  for (const node of nodes) for (const input of node.input ?? []) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  const linearNodes = nodes
    .filter((n) => n.op_type === 'Gemm' || n.op_type === 'MatMul')
    .map((n) => linearOf(n, weights, consumers))
    .filter((l): l is NonNullable<typeof l> => l !== null && !usedNames.has(l.weightName));
  const linears = module
    .namedModules()
    .filter(([name, child]) => child instanceof Linear && !found.has(name ? `${name}.weight` : 'weight'));
  if (linearNodes.length > linears.length) {
    throw new FormatError(
      `${source}: the file has ${linearNodes.length} linear maps (Gemm/MatMul) not matched by name; the module has ${linears.length} Linear modules left to fill`,
    );
  }
  linearNodes.forEach((node, index) => {
    const [name, linear] = linears[index]! as [string, Linear];
    const prefix = name ? `${name}.` : '';
    put(`${prefix}weight`, node.weight);
    if (linear.bias && node.bias) put(`${prefix}bias`, node.bias);
    else if (linear.bias && !found.has(`${prefix}bias`))
      put(`${prefix}bias`, { values: new Float32Array(linear.outFeatures), shape: [linear.outFeatures] });
    else if (!linear.bias && node.bias) throw new FormatError(`${source}: ${prefix}bias: the Linear has bias: false; the file has a bias`);
  });

  const missing = Object.keys(own).filter((key) => !found.has(key));
  if (strict && missing.length > 0) throw new FormatError(`${source}: no weights in the file for ${missing.join(', ')}`);
  const dict: Record<string, Tensor> = {};
  for (const [key, weight] of found)
    dict[key] = fromTypedArray(Float32Array.from(weight.values), weight.shape, { backend: backendOf('importOnnxWeights', own[key]!) });
  try {
    module.loadStateDict(dict, { strict: false });
  } finally {
    for (const tensor of Object.values(dict)) tensor.dispose();
  }
  return { loaded: [...found.keys()], missing };
}
