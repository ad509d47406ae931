// How a state dict is laid out in a Recur weights file: each float tensor under its PyTorch key as
// F32 or F16 (`dtype`), or — when at least `sparse` of its N entries are zero (pruned) — as two
// tensors (weight matrices only: rank ≥ 2, what pruning targets): `key.sparse_mask` (U8, ⌈N/8⌉ bytes; bit i of byte j, LSB first, = entry 8j+i is kept)
// and `key.sparse_values` (the kept entries in order). Metadata `weights` records the layout.

import type { Tensor } from '@recur/tensor';
import { encodeFloat16 } from './float16.js';

export const SPARSE_MASK = '.sparse_mask';
export const SPARSE_VALUES = '.sparse_values';

export type WeightStorage = 'float32' | 'float16';

export interface StoreWeightsOptions {
  /** The storage dtype of float weights (computed in float32 after loading). Default float32. */
  readonly dtype?: WeightStorage;
  /**
   * Store a tensor sparse when at least this fraction of it is zero; false: never. Default 0.5,
   * so unpruned models stay plain safetensors that any reader takes as they are.
   */
  readonly sparse?: number | false;
}

/** The metadata `weights` entry: storage dtype, and the dense shape of each tensor stored sparse. */
export interface WeightLayout {
  readonly dtype: WeightStorage;
  readonly sparse: Readonly<Record<string, readonly number[]>>;
}

export interface RawEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

const SAFETENSORS_DTYPE = { float32: 'F32', float16: 'F16' } as const;

function floatBytes(values: Float32Array, dtype: WeightStorage): Uint8Array {
  return dtype === 'float16' ? encodeFloat16(values) : new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** The mask bytes and kept values of `values` (entries that are not exactly zero). */
function sparseParts(values: Float32Array): { mask: Uint8Array; kept: Float32Array } {
  const mask = new Uint8Array(Math.ceil(values.length / 8));
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++;
  const kept = new Float32Array(count);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) continue;
    mask[i >> 3]! |= 1 << (i & 7);
    kept[at++] = values[i]!;
  }
  return { mask, kept };
}

/** The file entries of `dict` and their layout (reads each tensor once). */
export async function encodeWeights(
  dict: Readonly<Record<string, Tensor>>,
  options: StoreWeightsOptions = {},
): Promise<{ entries: Record<string, RawEntry>; layout: WeightLayout }> {
  const dtype = options.dtype ?? 'float32';
  const threshold = options.sparse ?? 0.5;
  const entries: Record<string, RawEntry> = {};
  const sparse: Record<string, readonly number[]> = {};
  const taken = (key: string) => Object.hasOwn(dict, key);
  for (const [key, t] of Object.entries(dict)) {
    const data = await t.data();
    if (!(data instanceof Float32Array)) {
      // Integer and bool buffers are stored as they are (nothing to compress there).
      entries[key] = {
        dtype: t.dtype === 'int32' ? 'I32' : 'BOOL',
        shape: [...t.shape],
        bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      };
      continue;
    }
    let zeros = 0;
    for (const v of data) if (v === 0) zeros++;
    const storeSparse =
      threshold !== false &&
      t.shape.length >= 2 &&
      data.length > 0 &&
      zeros / data.length >= threshold &&
      !taken(key + SPARSE_MASK) &&
      !taken(key + SPARSE_VALUES);
    if (!storeSparse) {
      entries[key] = { dtype: SAFETENSORS_DTYPE[dtype], shape: [...t.shape], bytes: floatBytes(data, dtype) };
      continue;
    }
    const { mask, kept } = sparseParts(data);
    entries[key + SPARSE_MASK] = { dtype: 'U8', shape: [mask.length], bytes: mask };
    entries[key + SPARSE_VALUES] = { dtype: SAFETENSORS_DTYPE[dtype], shape: [kept.length], bytes: floatBytes(kept, dtype) };
    sparse[key] = [...t.shape];
  }
  return { entries, layout: { dtype, sparse } };
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
): Promise<Uint8Array<ArrayBuffer>> {
  const { entries, layout } = await encodeWeights(dict, storage);
  return serializeEntries(entries, { ...metadata, weights: JSON.stringify(layout) });
}

/** Bytes the weights take in a file (the data section, without the header). */
export function weightBytes(entries: Readonly<Record<string, { readonly dataOffsets: readonly [number, number] }>>): number {
  return Object.values(entries).reduce((n, e) => n + (e.dataOffsets[1] - e.dataOffsets[0]), 0);
}
