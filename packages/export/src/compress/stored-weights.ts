// How a state dict is laid out in a Recur weights file: each float tensor under its PyTorch key as
// F32 or F16 (`dtype`), or — when at least `sparse` of its N entries are zero (pruned) — as two
// tensors (weight matrices only: rank ≥ 2, what pruning targets): `key.sparse_mask` (U8, ⌈N/8⌉ bytes; bit i of byte j, LSB first, = entry 8j+i is kept)
// and `key.sparse_values` (the kept entries in order). Quantized matrices keep their int8 (+ `key.scale`)
// or float16 form. Metadata `weights` records the layout.

import type { Tensor } from '@recur/tensor';
import { toFloat16Array } from '../quantize/float16.js';

export const SPARSE_MASK = '.sparse_mask';
export const SPARSE_VALUES = '.sparse_values';
export const SCALE = '.scale';

export type WeightStorage = 'float32' | 'float16';

export interface StoreWeightsOptions {
  /** The storage dtype of float weights (computed in float32 after loading). Default float32. */
  readonly dtype?: WeightStorage;
  /**
   * Store a weight matrix sparse when at least this fraction of it is zero; false: never.
   * Default 0.25: then the mask (1 bit an entry) costs less than the zeros it drops, whatever the
   * dtype, and trained, unpruned matrices (next to no exact zeros) stay plain safetensors.
   */
  readonly sparse?: number | false;
}

/** The metadata `weights` entry: storage dtype, and the dense shape of each tensor stored sparse. */
export interface WeightLayout {
  readonly dtype: WeightStorage;
  readonly sparse: Readonly<Record<string, readonly number[]>>;
  /** Weight matrices stored as quantizeDynamic compressed them (int8 + per-row scale, or float16), by key. */
  readonly quantized?: Readonly<Record<string, 'int8' | 'float16'>>;
}

export interface RawEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** A weight matrix already compressed by quantizeDynamic: int8 values with a scale per row, or float16 bits. */
export interface QuantizedArrays {
  readonly dtype: 'int8' | 'float16';
  readonly shape: readonly [number, number];
  readonly values: Int8Array | Uint16Array;
  readonly scales: Float32Array | null;
}

const asBytes = (values: ArrayBufferView): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** One tensor's elements as stored: safetensors dtype, element width, little-endian bytes, and which are zero. */
interface Elements {
  readonly dtype: string;
  readonly width: number;
  readonly bytes: Uint8Array;
  readonly zero: (i: number) => boolean;
  readonly count: number;
}

function floatElements(values: Float32Array, dtype: WeightStorage): Elements {
  const zero = (i: number) => values[i] === 0;
  if (dtype === 'float16') return { dtype: 'F16', width: 2, bytes: asBytes(toFloat16Array(values)), zero, count: values.length };
  return { dtype: 'F32', width: 4, bytes: asBytes(values), zero, count: values.length };
}

function quantizedElements(q: QuantizedArrays): Elements {
  const values = q.values;
  if (q.dtype === 'int8') return { dtype: 'I8', width: 1, bytes: asBytes(values), zero: (i) => values[i] === 0, count: values.length };
  // ±0 in half: the bits without the sign are 0.
  return { dtype: 'F16', width: 2, bytes: asBytes(values), zero: (i) => (values[i]! & 0x7fff) === 0, count: values.length };
}

/** The mask bytes and the kept elements' bytes (entries that are not zero), in order. */
function sparseParts(elements: Elements): { mask: Uint8Array; kept: Uint8Array; keptCount: number } {
  const { width, bytes, zero, count } = elements;
  const mask = new Uint8Array(Math.ceil(count / 8));
  let keptCount = 0;
  for (let i = 0; i < count; i++) if (!zero(i)) keptCount++;
  const kept = new Uint8Array(keptCount * width);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (zero(i)) continue;
    mask[i >> 3]! |= 1 << (i & 7);
    kept.set(bytes.subarray(i * width, (i + 1) * width), at);
    at += width;
  }
  return { mask, kept, keptCount };
}

/**
 * The file entries of `dict` (and of the `quantized` weight matrices, by key) and their layout;
 * reads each tensor once. A quantized int8 weight `key` is `key` (I8) plus `key.scale` (F32, one per row).
 */
export async function encodeWeights(
  dict: Readonly<Record<string, Tensor>>,
  options: StoreWeightsOptions = {},
  quantized: Readonly<Record<string, QuantizedArrays>> = {},
): Promise<{ entries: Record<string, RawEntry>; layout: WeightLayout }> {
  const dtype = options.dtype ?? 'float32';
  const threshold = options.sparse ?? 0.25;
  const entries: Record<string, RawEntry> = {};
  const sparse: Record<string, readonly number[]> = {};
  const kinds: Record<string, 'int8' | 'float16'> = {};
  const taken = (key: string) => Object.hasOwn(dict, key) || Object.hasOwn(quantized, key);
  const store = (key: string, shape: readonly number[], elements: Elements) => {
    let zeros = 0;
    for (let i = 0; i < elements.count; i++) if (elements.zero(i)) zeros++;
    const storeSparse =
      threshold !== false &&
      shape.length >= 2 &&
      elements.count > 0 &&
      zeros / elements.count >= threshold &&
      !taken(key + SPARSE_MASK) &&
      !taken(key + SPARSE_VALUES);
    if (!storeSparse) {
      entries[key] = { dtype: elements.dtype, shape: [...shape], bytes: elements.bytes };
      return;
    }
    const { mask, kept, keptCount } = sparseParts(elements);
    entries[key + SPARSE_MASK] = { dtype: 'U8', shape: [mask.length], bytes: mask };
    entries[key + SPARSE_VALUES] = { dtype: elements.dtype, shape: [keptCount], bytes: kept };
    sparse[key] = [...shape];
  };
  for (const [key, t] of Object.entries(dict)) {
    const data = await t.data();
    if (data instanceof Float32Array) store(key, t.shape, floatElements(data, dtype));
    // Integer and bool buffers are stored as they are (nothing to compress there).
    else entries[key] = { dtype: t.dtype === 'int32' ? 'I32' : 'BOOL', shape: [...t.shape], bytes: asBytes(data) };
  }
  for (const [key, q] of Object.entries(quantized)) {
    store(key, q.shape, quantizedElements(q));
    if (q.scales) entries[key + SCALE] = { dtype: 'F32', shape: [q.scales.length], bytes: asBytes(q.scales) };
    kinds[key] = q.dtype;
  }
  return { entries, layout: { dtype, sparse, ...(Object.keys(kinds).length > 0 ? { quantized: kinds } : {}) } };
}

/** Safetensors bytes of raw entries, laid out as the reference writer does (sorted names, header padded to 8). */
export function serializeEntries(
  entries: Readonly<Record<string, RawEntry>>,
  metadata: Readonly<Record<string, string>>,
): Uint8Array<ArrayBuffer> {
  const names = Object.keys(entries).sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const entry = entries[name]!;
    Object.defineProperty(header, name, {
      value: { dtype: entry.dtype, shape: [...entry.shape], data_offsets: [offset, offset + entry.bytes.length] },
      enumerable: true,
    });
    offset += entry.bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(json);
    json = spaced;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    out.set(entries[name]!.bytes, at);
    at += entries[name]!.bytes.length;
  }
  return out;
}

/** A safetensors file of `dict` stored as `storage` says (float16, sparse), with the layout in its metadata `weights`. */
export async function serializeWeights(
  dict: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
  storage: StoreWeightsOptions = {},
  quantized: Readonly<Record<string, QuantizedArrays>> = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const { entries, layout } = await encodeWeights(dict, storage, quantized);
  return serializeEntries(entries, { ...metadata, weights: JSON.stringify(layout) });
}

/** Bytes the weights take in a file (the data section, without the header). */
export function weightBytes(entries: Readonly<Record<string, { readonly dataOffsets: readonly [number, number] }>>): number {
  return Object.values(entries).reduce((n, e) => n + (e.dataOffsets[1] - e.dataOffsets[0]), 0);
}
