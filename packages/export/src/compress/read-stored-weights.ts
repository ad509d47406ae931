// Reading the weights layout of stored-weights.ts back: every check runs on the header before a
// value is decoded (dtypes, the sparse pairs and their sizes), so a hostile file is refused
// cheaply; values decode to float32 on demand, one tensor at a time. Errors are ModelFileErrors.

import { readSafetensorsHeader, type SafetensorsHeader, type TensorEntry } from '@recur/tensor';
import { ModelFileError } from '../model-file/errors.js';
import { decodeFloat16 } from './float16.js';
import { SPARSE_MASK, SPARSE_VALUES, weightBytes, type WeightLayout, type WeightStorage } from './stored-weights.js';

export interface StoredWeights {
  /** The storage dtype of the float weights. */
  readonly dtype: WeightStorage;
  /** The dense shape of every weight, by state-dict key. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** Keys stored sparse. */
  readonly sparse: readonly string[];
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
  if (!isObject(layout) || (layout.dtype !== 'float32' && layout.dtype !== 'float16') || !isObject(layout.sparse))
    throw new ModelFileError(
      'metadata',
      `${source}: expected a weights layout { dtype: 'float32' | 'float16', sparse: { key: shape } }; got ${String(metadata.weights).slice(0, 100)}`,
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

/** The weights of a file written with encodeWeights (or a plain F32 safetensors state dict). */
export function readStoredWeights(bytes: Uint8Array, header: SafetensorsHeader, source: string): StoredWeights {
  const layout = readLayout(header.metadata, source);
  const floatDtype = layout.dtype === 'float16' ? 'F16' : 'F32';
  const shapes: Record<string, readonly number[]> = {};
  const parts = new Set<string>();
  for (const [key, shape] of Object.entries(layout.sparse)) {
    if (Object.hasOwn(header.tensors, key)) throw new ModelFileError('unexpected', `${source}: '${key}' is stored both dense and sparse`);
    const size = shape.reduce((a, b) => a * b, 1);
    expectEntry(source, header, key + SPARSE_MASK, ['U8'], Math.ceil(size / 8));
    const values = expectEntry(source, header, key + SPARSE_VALUES, [floatDtype], null);
    if (values.shape[0]! > size) throw new ModelFileError('shape', `${source}: '${key}' keeps ${values.shape[0]} of ${size} entries`);
    parts.add(key + SPARSE_MASK).add(key + SPARSE_VALUES);
    Object.defineProperty(shapes, key, { value: shape, enumerable: true });
  }
  for (const [key, entry] of Object.entries(header.tensors)) {
    if (parts.has(key)) continue;
    if (entry.dtype !== floatDtype)
      throw new ModelFileError(
        'dtype',
        `${source}: '${key}' expected dtype ${floatDtype} (weights stored as ${layout.dtype}); got ${entry.dtype}`,
      );
    Object.defineProperty(shapes, key, { value: entry.shape, enumerable: true });
  }
  const raw = (entry: TensorEntry) => bytes.subarray(header.dataStart + entry.dataOffsets[0], header.dataStart + entry.dataOffsets[1]);
  const floats = (entry: TensorEntry): Float32Array<ArrayBuffer> =>
    floatDtype === 'F16' ? decodeFloat16(raw(entry)) : new Float32Array(Uint8Array.prototype.slice.call(raw(entry)).buffer);
  return {
    dtype: layout.dtype,
    shapes,
    sparse: Object.keys(layout.sparse),
    bytes: weightBytes(header.tensors),
    metadata: header.metadata,
    values(key) {
      if (!Object.hasOwn(layout.sparse, key)) return floats(header.tensors[key]!);
      const size = shapes[key]!.reduce((a, b) => a * b, 1);
      const mask = raw(header.tensors[key + SPARSE_MASK]!);
      const kept = floats(header.tensors[key + SPARSE_VALUES]!);
      const out = new Float32Array(size);
      let at = 0;
      for (let i = 0; i < size; i++) {
        if ((mask[i >> 3]! & (1 << (i & 7))) === 0) continue;
        if (at === kept.length)
          throw new ModelFileError('shape', `${source}: '${key}' marks more entries kept than its ${kept.length} values`);
        out[i] = kept[at++]!;
      }
      const stray = size % 8 !== 0 && mask.length > 0 && mask[mask.length - 1]! >> (size % 8) !== 0;
      if (at !== kept.length || stray)
        throw new ModelFileError(
          'shape',
          `${source}: '${key}' has ${kept.length} values but its mask keeps ${at}${stray ? ' (and marks entries past its end)' : ''}`,
        );
      return out;
    },
  };
}
