// Whole-model files: one safetensors file whose metadata holds the module tree — each node's
// type and constructor options, and a container's children — and whose tensors are the state
// dict under PyTorch's names, so a model loads without its code. Every check of a load throws
// ModelFileError (a FormatError); a refused file builds nothing that outlives the call.
// Version 2 files store weights float16 and/or sparse (compress/stored-weights.ts); version 1, F32.

import { FormatError, ValueError } from '@recur/backend';
import { Module } from '@recur/cells';
import { readSafetensorsHeader } from '@recur/tensor';
import { readStoredWeights } from '../compress/read-stored-weights.js';
import { encodeWeights, serializeEntries, type StoreWeightsOptions } from '../compress/stored-weights.js';
import { ModelFileError } from './errors.js';
import { loadModuleWeights } from '../compress/module-weights.js';
import { quantizedArraysOf } from '../quantize/quantized-arrays.js';
import { quantizedPaths, quantizeStructure } from '../quantize/quantize-dynamic.js';
import type { QuantizedDType } from '../quantize/quantized-weight.js';
import { typeNamed, typeOfModule, type JsonObject } from './registry.js';

export const MODEL_FORMAT = 'recur-model';
export const MODEL_FORMAT_VERSION = '2';
/** Versions parseModel reads: 1 (F32 dense only) and 2 (float16 and sparse weights too). */
const READABLE_VERSIONS = ['1', '2'];
/** Containers nested deeper than this are refused (a hostile file must not exhaust the stack). */
export const MAX_MODEL_DEPTH = 64;

export interface ModelNode {
  readonly type: string;
  readonly options: JsonObject;
  readonly children?: Readonly<Record<string, ModelNode>>;
  /** Quantised modules inside a node whose children are not saved, by relative path (quantizeDynamic's twins). */
  readonly quantized?: Readonly<Record<string, QuantizedDType>>;
}

function describe(module: Module, path: string, depth: number): ModelNode {
  const entry = typeOfModule(module);
  if (!entry) {
    throw new ModelFileError(
      'unknown-module',
      `saveModel: ${module.constructor.name} (at '${path || 'the root'}') is not a known module type; register it with registerModelType(name, Class, { options })`,
    );
  }
  if (depth > MAX_MODEL_DEPTH) throw new ModelFileError('metadata', `saveModel: containers nested deeper than ${MAX_MODEL_DEPTH}`);
  const children = entry.type.children?.(module as never);
  const node: ModelNode = { type: entry.name, options: entry.type.options(module as never) };
  if (!children) {
    const quantized = quantizedPaths(module);
    return Object.keys(quantized).length > 0 ? { ...node, quantized } : node;
  }
  return {
    ...node,
    children: Object.fromEntries(children.map(([name, child]) => [name, describe(child, path ? `${path}.${name}` : name, depth + 1)])),
  };
}

/** The model's tree (types, options, children) as saved in the file's metadata. */
export function describeModel(module: Module): ModelNode {
  if (!(module instanceof Module)) throw new ModelFileError('unknown-module', `saveModel: expected a Module; got ${typeof module}`);
  return describe(module, '', 0);
}

/**
 * The bytes of a whole-model file of `module`. Weights stay F32 and dense unless `storage` says
 * float16 or the model is pruned (weight matrices at least a quarter zeros are stored sparse); a plain file is
 * written as version 1, which every reader of this format takes.
 */
export async function serializeModel(
  module: Module,
  metadata: Readonly<Record<string, string>> = {},
  storage: StoreWeightsOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const tree = describeModel(module);
  const { entries, layout } = await encodeWeights(module.stateDict(), storage, quantizedArraysOf(module));
  const plain = layout.dtype === 'float32' && Object.keys(layout.sparse).length === 0 && layout.quantized === undefined;
  return serializeEntries(entries, {
    ...metadata,
    format: MODEL_FORMAT,
    version: plain ? '1' : MODEL_FORMAT_VERSION,
    model: JSON.stringify(tree),
    ...(plain ? {} : { weights: JSON.stringify(layout) }),
  });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short JSON preview for messages; a value nested too deep to print is named by its type. */
function preview(value: unknown, length = 200): string {
  try {
    return String(JSON.stringify(value)).slice(0, length);
  } catch {
    return Array.isArray(value) ? 'an array' : typeof value;
  }
}

/** Options nested deeper than this are refused (no built-in option nests more than one array). */
const MAX_OPTIONS_DEPTH = 8;

/**
 * The largest integer in the options (every one must be a size the weights could hold; see
 * build). Walked with an explicit stack, so hostile nesting is an error, not a stack overflow.
 */
function largestInteger(options: JsonObject, where: string): number {
  let largest = 0;
  const pending: [unknown, number][] = [[options, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value === 'number' && Number.isInteger(value)) largest = Math.max(largest, Math.abs(value));
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_OPTIONS_DEPTH) throw new ModelFileError('options', `${where}: options nested deeper than ${MAX_OPTIONS_DEPTH}`);
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return largest;
}

function build(node: unknown, path: string, depth: number, sizeLimit: number, source: string): Module {
  const where = `${source}: module '${path || 'the root'}'`;
  if (depth > MAX_MODEL_DEPTH) throw new ModelFileError('metadata', `${where}: containers nested deeper than ${MAX_MODEL_DEPTH}`);
  if (!isObject(node) || typeof node.type !== 'string' || !isObject(node.options)) {
    throw new ModelFileError('metadata', `${where}: expected { type: string, options: object, children? }; got ${preview(node)}`);
  }
  const entry = typeNamed(node.type);
  if (!entry || !Object.hasOwn(node, 'type'))
    throw new ModelFileError(
      'unknown-module',
      `${where}: unknown module type '${node.type.slice(0, 100)}'; register it with registerModelType`,
    );
  const options = node.options as JsonObject;
  // Sizes come from the weights: a size larger than every weight of the file (and than a small
  // floor, for weightless modules) cannot load, and building it first could take all memory.
  const largest = largestInteger(options, where);
  if (largest > sizeLimit)
    throw new ModelFileError('options', `${where}: option value ${largest} is larger than the file's weights allow (at most ${sizeLimit})`);
  const children: [string, Module][] = [];
  if (entry.type.children) {
    if (!isObject(node.children))
      throw new ModelFileError('metadata', `${where}: a ${node.type} needs its children; got ${preview(node.children, 100)}`);
    for (const [name, child] of Object.entries(node.children))
      children.push([name, build(child, path ? `${path}.${name}` : name, depth + 1, sizeLimit, source)]);
  } else if (node.children !== undefined) {
    throw new ModelFileError('metadata', `${where}: a ${node.type} has no saved children; got some`);
  }
  let module: Module;
  try {
    module = entry.type.create(options, children);
  } catch (error) {
    for (const [, child] of children) child.dispose();
    throw new ModelFileError(
      'options',
      `${where}: ${node.type} refused the file's options: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
  if (node.quantized === undefined) return module;
  try {
    if (!isObject(node.quantized) || entry.type.children)
      throw new ValueError(`expected { path: 'int8' | 'float16' } on a module without saved children; got ${preview(node.quantized, 100)}`);
    quantizeStructure(module, node.quantized);
  } catch (error) {
    module.dispose();
    throw new ModelFileError('metadata', `${where}: quantized: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  return module;
}

export interface ParseModelOptions {
  /** Named in error messages (a file path). */
  readonly source?: string;
}

/** Rebuild a model (on the active backend) from whole-model file bytes: tree from the metadata, then its weights, strictly. */
export function parseModel(bytes: Uint8Array, options: ParseModelOptions = {}): Module {
  const source = options.source ?? 'model file';
  const header = readSafetensorsHeader(bytes, source);
  const meta = header.metadata;
  if (meta.format !== MODEL_FORMAT)
    throw new ModelFileError(
      'metadata',
      `${source}: expected metadata format '${MODEL_FORMAT}'; got ${meta.format === undefined ? 'none (a plain safetensors file? load it with loadStateDict)' : `'${String(meta.format).slice(0, 100)}'`}`,
    );
  if (!READABLE_VERSIONS.includes(String(meta.version)))
    throw new ModelFileError(
      'metadata',
      `${source}: expected format version ${READABLE_VERSIONS.join(' or ')}; got '${String(meta.version).slice(0, 100)}'`,
    );
  if (meta.version === '1' && meta.weights !== undefined)
    throw new ModelFileError('metadata', `${source}: a version 1 file has no weights layout; got one`);
  let tree: unknown;
  try {
    tree = JSON.parse(String(meta.model));
  } catch (error) {
    throw new ModelFileError('metadata', `${source}: the model tree is not JSON: ${(error as Error).message}`, { cause: error });
  }
  // Check dtypes and count elements before anything is built.
  const stored = readStoredWeights(bytes, header, source);
  let elements = 0;
  for (const shape of Object.values(stored.shapes)) elements += shape.reduce((a, b) => a * b, 1);
  const module = build(tree, '', 0, Math.max(elements, 1024), source);
  try {
    try {
      // Strict: exactly the model's keys (state dict and quantised matrices), shapes and dtypes.
      loadModuleWeights(module, stored, source);
    } catch (error) {
      if (error instanceof FormatError) throw error;
      throw new ModelFileError('metadata', `${source}: ${(error as Error)?.message}`, { cause: error });
    }
    return module;
  } catch (error) {
    module.dispose();
    throw error;
  }
}
