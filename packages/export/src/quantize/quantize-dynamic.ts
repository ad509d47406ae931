// quantizeDynamic: PyTorch's torch.ao.quantization.quantize_dynamic for Recur module trees —
// every Linear, Embedding, LSTM, GRU and RNN (exactly those classes, not subclasses with their
// own forward) is replaced by its quantised twin, int8 with per-row scales or float16. Children
// are replaced in place (the parent's registration and the fields that held the float module).

import { ValueError } from '@recur/backend';
import { Embedding, GRU, Linear, LSTM, Module, RNN } from '@recur/cells';
import { QuantizedLinear } from './quantized-linear.js';
import { QuantizedEmbedding } from './quantized-embedding.js';
import { QuantizedGRU, QuantizedLSTM, QuantizedRNN } from './quantized-recurrent.js';
import { checkDType, isQuantizedModule } from './quantized-module.js';
import type { QuantizedDType } from './quantized-weight.js';

export type QuantizableModuleType = 'Linear' | 'Embedding' | 'LSTM' | 'GRU' | 'RNN';
export const QUANTIZABLE_MODULE_TYPES: readonly QuantizableModuleType[] = ['Linear', 'Embedding', 'LSTM', 'GRU', 'RNN'];

export interface QuantizeDynamicOptions {
  /** 'int8' (default): weights int8 with a float32 scale per output row; 'float16': weights float16. */
  readonly dtype?: QuantizedDType;
  /** The module types to replace (default all of QUANTIZABLE_MODULE_TYPES), as PyTorch's qconfig_spec set. */
  readonly modules?: readonly QuantizableModuleType[];
}

const CLASSES: Record<QuantizableModuleType, abstract new (...args: never[]) => Module> = { Linear, Embedding, LSTM, GRU, RNN };

/** The quantised twin of one supported module (a Linear, Embedding, LSTM, GRU or RNN); the source is left as it was. */
export async function quantizeModule<M extends Module>(module: M, options: { readonly dtype?: QuantizedDType } = {}): Promise<M> {
  const dtype = checkDType('quantizeModule', options?.dtype);
  checkQuantizable('quantizeModule', module);
  switch (module.constructor) {
    case Linear:
      return (await QuantizedLinear.fromFloat(module as unknown as Linear, dtype)) as unknown as M;
    case Embedding:
      return (await QuantizedEmbedding.fromFloat(module as unknown as Embedding, dtype)) as unknown as M;
    case LSTM:
      return (await QuantizedLSTM.fromFloat(module as unknown as LSTM, dtype)) as unknown as M;
    case GRU:
      return (await QuantizedGRU.fromFloat(module as unknown as GRU, dtype)) as unknown as M;
    default:
      return (await QuantizedRNN.fromFloat(module as unknown as RNN, dtype)) as unknown as M;
  }
}

function checkQuantizable(where: string, module: unknown): void {
  if (!(module instanceof Module)) throw new ValueError(`${where}: expected a Module; got ${module === null ? 'null' : typeof module}`);
  if (!Object.values(CLASSES).includes(module.constructor as never)) {
    throw new ValueError(
      `${where}: ${isQuantizedModule(module) ? `${module.constructor.name} is already quantised` : `cannot quantise a ${module.constructor.name}`}; expected one of ${QUANTIZABLE_MODULE_TYPES.join(', ')}`,
    );
  }
}

/** A twin of `module`'s shape and options with zero compressed weights (filled from a file next). */
function emptyTwin(module: Module, dtype: QuantizedDType): Module {
  checkQuantizable('quantizeStructure', module);
  if (module instanceof Linear)
    return new QuantizedLinear({ inFeatures: module.inFeatures, outFeatures: module.outFeatures, bias: module.bias !== null, dtype });
  if (module instanceof Embedding)
    return new QuantizedEmbedding({
      numEmbeddings: module.numEmbeddings,
      embeddingDim: module.embeddingDim,
      paddingIdx: module.paddingIdx,
      dtype,
    });
  const layer = module as LSTM;
  const options = {
    inputSize: layer.inputSize,
    hiddenSize: layer.hiddenSize,
    numLayers: layer.numLayers,
    bias: layer.bias,
    batchFirst: layer.batchFirst,
    dropout: layer.dropout,
    bidirectional: layer.bidirectional,
    ...(layer.residual ? { residual: true } : {}),
    dtype,
  };
  if (module instanceof LSTM) return new QuantizedLSTM({ ...options, projSize: module.projSize });
  if (module instanceof GRU) return new QuantizedGRU(options);
  return new QuantizedRNN({ ...options, nonlinearity: (module as RNN).nonlinearity });
}

/** The quantised modules below `module` (not itself), by path relative to it, with their dtype. */
export function quantizedPaths(module: Module): Record<string, QuantizedDType> {
  const paths: Record<string, QuantizedDType> = {};
  for (const [path, child] of module.namedModules()) if (path !== '' && isQuantizedModule(child)) paths[path] = child.weightDType;
  return paths;
}

/**
 * Replace the float modules at `paths` (relative to `root`) by quantised twins with zero weights,
 * as `quantizedPaths` recorded them: how a file rebuilds a quantised model whose code builds float
 * layers. A path that names no quantisable module is a ValueError.
 */
export function quantizeStructure(root: Module, paths: Readonly<Record<string, unknown>>): void {
  for (const [path, dtype] of Object.entries(paths)) {
    const names = path.split('.');
    let parent: Module | undefined;
    let child: Module | undefined = root;
    for (const name of names) {
      parent = child;
      child = child?.namedChildren().find(([own]) => own === name)?.[1];
    }
    if (!parent || !child) throw new ValueError(`quantizeStructure: no module at '${path.slice(0, 200)}'`);
    const twin = emptyTwin(child, checkDType(`quantizeStructure: '${path.slice(0, 200)}'`, dtype));
    replaceChild(parent, names[names.length - 1]!, child, twin);
    child.dispose();
  }
}

function selectedTypes(modules: unknown): Set<QuantizableModuleType> {
  if (modules === undefined) return new Set(QUANTIZABLE_MODULE_TYPES);
  if (!Array.isArray(modules)) throw new ValueError(`quantizeDynamic: modules must be an array of type names; got ${typeof modules}`);
  for (const name of modules) {
    if (!QUANTIZABLE_MODULE_TYPES.includes(name as QuantizableModuleType)) {
      throw new ValueError(
        `quantizeDynamic: cannot quantise ${typeof name === 'string' ? `'${name}'` : typeof name} modules; supported: ${QUANTIZABLE_MODULE_TYPES.join(', ')}`,
      );
    }
  }
  return new Set(modules as QuantizableModuleType[]);
}

/** Point `parent`'s registration of `name` and every field (or array slot) holding `old` at `twin`. */
function replaceChild(parent: Module, name: string, old: Module, twin: Module): void {
  (parent as unknown as { registerModule(name: string, module: Module): Module }).registerModule(name, twin);
  const fields = parent as unknown as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === old) fields[key] = twin;
    else if (Array.isArray(value)) value.forEach((item, i) => item === old && (value[i] = twin));
  }
}

/**
 * Replace the supported modules of `module`'s tree by quantised twins (inference only: their
 * forward takes no gradients) and return the tree — `module` itself, changed in place, or the
 * twin when `module` is itself one of the types. The float modules replaced are disposed.
 * A tree with nothing to quantise is a ValueError naming what it holds.
 */
export async function quantizeDynamic<M extends Module>(module: M, options: QuantizeDynamicOptions = {}): Promise<M> {
  if (!(module instanceof Module))
    throw new ValueError(`quantizeDynamic: expected a Module; got ${module === null ? 'null' : typeof module}`);
  if (options === null || typeof options !== 'object')
    throw new ValueError(`quantizeDynamic: options must be an object; got ${typeof options}`);
  const unknown = Object.keys(options).filter((key) => key !== 'dtype' && key !== 'modules');
  if (unknown.length > 0)
    throw new ValueError(`quantizeDynamic: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; expected dtype, modules`);
  const dtype = checkDType('quantizeDynamic', options.dtype);
  const types = selectedTypes(options.modules);
  const wanted = (m: Module): boolean => [...types].some((type) => m.constructor === CLASSES[type]);
  if (wanted(module)) {
    const twin = await quantizeModule(module, { dtype });
    module.dispose();
    return twin as M;
  }
  let replaced = 0;
  const pending: Module[] = [module];
  while (pending.length > 0) {
    const parent = pending.pop()!;
    for (const [name, child] of parent.namedChildren()) {
      if (wanted(child)) {
        const twin = await quantizeModule(child, { dtype });
        replaceChild(parent, name, child, twin);
        child.dispose();
        replaced++;
      } else if (!isQuantizedModule(child)) {
        pending.push(child);
      }
    }
  }
  if (replaced === 0) {
    const kinds = [...new Set(module.namedModules().map(([, m]) => m.constructor.name))];
    throw new ValueError(
      `quantizeDynamic: nothing to quantise in ${module.constructor.name}: expected a ${[...types].join(', ')} module in the tree; found ${kinds.join(', ')}`,
    );
  }
  return module;
}
