// Reading the weights layout of stored-weights.ts back: every check runs on the header before a
// value is decoded (dtypes, the sparse pairs and their sizes), so a hostile file is refused
// cheaply; values decode to float32 on demand, one tensor at a time. Errors are ModelFileErrors.

import { readSafetensorsHeader, type SafetensorsHeader, type TensorEntry } from '@recur/tensor';
import { ModelFileError } from '../model-file/errors.js';
import { fromFloat16Array } from '../quantize/float16.js';
import {
  SCALE,
  SPARSE_MASK,
  SPARSE_VALUES,
  weightBytes,
  type QuantizedArrays,
  type WeightLayout,
  type WeightStorage,
} from './stored-weights.js';

export interface StoredWeights {
  /** The storage dtype of the float weights. */
  readonly dtype: WeightStorage;
  /** The dense shape of every weight, by state-dict key. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** Keys stored sparse. */
  readonly sparse: readonly string[];
  /** Keys of weight matrices stored as quantizeDynamic compressed them. */
  readonly quantizedKeys: readonly string[];
  /** A quantized weight as stored (int8 values and per-row scales, or float16 bits). */
  quantized(key: string): QuantizedArrays;
  /** Bytes of the weights on disk (the file's data section). */
  readonly bytes: number;
  /** The file's metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Decode one weight to float32 (sparse ones densified). */
  values(key: string): Float32Array<ArrayBuffer>;
}

/** The weights of a file written by serializeWeights or serializeModel (or any F32 safetensors state dict), checked. */
export function readWeights(bytes: Uint8Array, options: { readonly source?: string } = {}): StoredWeights {
  const source = options.source ?? 'weights file';
  return readStoredWeights(bytes, readSafetensorsHeader(bytes, source), source);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const MAX_ELEMENTS = 2 ** 31 - 1;

function readLayout(metadata: Readonly<Record<string, string>>, source: string): WeightLayout {
  if (metadata.weights === undefined) return { dtype: 'float32', sparse: {} };
  let layout: unknown;
  try {
    layout = JSON.parse(metadata.weights);
  } catch (error) {
    throw new ModelFileError('metadata', `${source}: the weights layout is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const kinds = isObject(layout) ? (layout.quantized ?? {}) : null;
  if (
    !isObject(layout) ||
    (layout.dtype !== 'float32' && layout.dtype !== 'float16') ||
    !isObject(layout.sparse) ||
    !isObject(kinds) ||
    !Object.values(kinds).every((kind) => kind === 'int8' || kind === 'float16')
  )
    throw new ModelFileError(
      'metadata',
      `${source}: expected a weights layout { dtype: 'float32' | 'float16', sparse: { key: shape }, quantized?: { key: 'int8' | 'float16' } }; got ${String(metadata.weights).slice(0, 100)}`,
    );
  for (const [key, shape] of Object.entries(layout.sparse)) {
    const ok =
      Array.isArray(shape) &&
      shape.length <= 8 &&
      shape.every((d) => Number.isInteger(d) && (d as number) >= 0) &&
      (shape as number[]).reduce((a, b) => a * b, 1) <= MAX_ELEMENTS;
    if (!ok) throw new ModelFileError('metadata', `${source}: sparse weight '${key.slice(0, 100)}' has no valid shape`);
  }
  return layout as unknown as WeightLayout;
}

function expectEntry(
  source: string,
  header: SafetensorsHeader,
  name: string,
  dtypes: readonly string[],
  length: number | null,
): TensorEntry {
  if (!Object.hasOwn(header.tensors, name)) throw new ModelFileError('missing', `${source}: the sparse weight needs '${name}'`);
  const entry = header.tensors[name]!;
  if (!dtypes.includes(entry.dtype))
    throw new ModelFileError('dtype', `${source}: '${name}' expected dtype ${dtypes.join(' or ')}; got ${entry.dtype}`);
  if (entry.shape.length !== 1 || (length !== null && entry.shape[0] !== length))
    throw new ModelFileError('shape', `${source}: '${name}' expected shape [${length ?? 'n'}]; got [${entry.shape.join(',')}]`);
  return entry;
}

const WIDTH: Readonly<Record<string, number>> = { F32: 4, F16: 2, I8: 1 };

/** The weights of a file written with encodeWeights (or a plain F32 safetensors state dict). */
export function readStoredWeights(bytes: Uint8Array, header: SafetensorsHeader, source: string): StoredWeights {
  const layout = readLayout(header.metadata, source);
  const quantizedKinds = layout.quantized ?? {};
  const floatDtype = layout.dtype === 'float16' ? 'F16' : 'F32';
  /** The element dtype of a stored weight (its values entry when sparse). */
  const elementDtype = (key: string) => (Object.hasOwn(quantizedKinds, key) ? (quantizedKinds[key] === 'int8' ? 'I8' : 'F16') : floatDtype);
  const shapes: Record<string, readonly number[]> = {};
  const parts = new Set<string>();
  for (const [key, shape] of Object.entries(layout.sparse)) {
    if (Object.hasOwn(header.tensors, key)) throw new ModelFileError('unexpected', `${source}: '${key}' is stored both dense and sparse`);
    const size = shape.reduce((a, b) => a * b, 1);
    expectEntry(source, header, key + SPARSE_MASK, ['U8'], Math.ceil(size / 8));
    const values = expectEntry(source, header, key + SPARSE_VALUES, [elementDtype(key)], null);
    if (values.shape[0]! > size) throw new ModelFileError('shape', `${source}: '${key}' keeps ${values.shape[0]} of ${size} entries`);
    parts.add(key + SPARSE_MASK).add(key + SPARSE_VALUES);
    Object.defineProperty(shapes, key, { value: shape, enumerable: true });
  }
  for (const [key, kind] of Object.entries(quantizedKinds)) {
    if (!Object.hasOwn(layout.sparse, key) && !Object.hasOwn(header.tensors, key))
      throw new ModelFileError('missing', `${source}: no entry for the quantized weight '${key.slice(0, 100)}'`);
    if (kind === 'int8') {
      const shape = Object.hasOwn(layout.sparse, key) ? layout.sparse[key]! : header.tensors[key]!.shape;
      expectEntry(source, header, key + SCALE, ['F32'], shape[0] ?? 0);
      parts.add(key + SCALE);
    }
  }
  for (const [key, entry] of Object.entries(header.tensors)) {
    if (parts.has(key)) continue;
    if (entry.dtype !== elementDtype(key))
      throw new ModelFileError(
        'dtype',
        `${source}: '${key}' expected dtype ${elementDtype(key)} (weights stored as ${quantizedKinds[key] ?? layout.dtype}); got ${entry.dtype}`,
      );
    Object.defineProperty(shapes, key, { value: entry.shape, enumerable: true });
  }
  for (const key of Object.keys(quantizedKinds))
    if (shapes[key]!.length !== 2) throw new ModelFileError('shape', `${source}: the quantized weight '${key}' is not a matrix`);

  const raw = (entry: TensorEntry) => bytes.subarray(header.dataStart + entry.dataOffsets[0], header.dataStart + entry.dataOffsets[1]);
  /** The dense element bytes of `key` (a copy; sparse ones with zeros filled in). */
  const elements = (key: string): Uint8Array<ArrayBuffer> => {
    if (!Object.hasOwn(layout.sparse, key)) return Uint8Array.prototype.slice.call(raw(header.tensors[key]!)) as Uint8Array<ArrayBuffer>;
    const width = WIDTH[elementDtype(key)]!;
    const size = shapes[key]!.reduce((a, b) => a * b, 1);
    const mask = raw(header.tensors[key + SPARSE_MASK]!);
    const kept = raw(header.tensors[key + SPARSE_VALUES]!);
    const keptCount = kept.length / width;
    const out = new Uint8Array(size * width);
    let at = 0;
    for (let i = 0; i < size; i++) {
      if ((mask[i >> 3]! & (1 << (i & 7))) === 0) continue;
      if (at === keptCount) throw new ModelFileError('shape', `${source}: '${key}' marks more entries kept than its ${keptCount} values`);
      out.set(kept.subarray(at * width, (at + 1) * width), i * width);
      at++;
    }
    const stray = size % 8 !== 0 && mask.length > 0 && mask[mask.length - 1]! >> (size % 8) !== 0;
    if (at !== keptCount || stray)
      throw new ModelFileError(
        'shape',
        `${source}: '${key}' has ${keptCount} values but its mask keeps ${at}${stray ? ' (and marks entries past its end)' : ''}`,
      );
    return out;
  };
  const quantized = (key: string): QuantizedArrays => {
    const kind = quantizedKinds[key];
    if (kind === undefined) throw new ModelFileError('missing', `${source}: '${key}' is not a quantized weight`);
    const [rows, cols] = shapes[key] as [number, number];
    const data = elements(key);
    if (kind === 'float16') return { dtype: kind, shape: [rows, cols], values: new Uint16Array(data.buffer), scales: null };
    const scales = new Float32Array(Uint8Array.prototype.slice.call(raw(header.tensors[key + SCALE]!)).buffer);
    return { dtype: kind, shape: [rows, cols], values: new Int8Array(data.buffer), scales };
  };
  return {
    dtype: layout.dtype,
    shapes,
    sparse: Object.keys(layout.sparse),
    quantizedKeys: Object.keys(quantizedKinds),
    bytes: weightBytes(header.tensors),
    metadata: header.metadata,
    quantized,
    values(key) {
      if (Object.hasOwn(quantizedKinds, key)) {
        const q = quantized(key);
        if (q.dtype === 'float16') return fromFloat16Array(q.values as Uint16Array);
        const out = new Float32Array(q.values.length);
        for (let i = 0; i < out.length; i++) out[i] = q.values[i]! * q.scales![Math.floor(i / q.shape[1])]!;
        return out;
      }
      const data = elements(key);
      return floatDtype === 'F16' ? fromFloat16Array(new Uint16Array(data.buffer)) : new Float32Array(data.buffer);
    },
  };
}
