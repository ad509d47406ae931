// The safetensors format (Hugging Face): bytes 0..7 hold N, the header length (u64 LE); the next
// N bytes a UTF-8 JSON header {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__};
// the rest the raw little-endian tensor bytes. Parsing validates everything before allocating.

import { FormatError, ValueError, fmtShape, sizeOf, type DType } from '@recur/backend';
import { fromTypedArray, type CreateOptions } from './creation.js';
import type { Tensor } from './tensor.js';

/** Headers larger than this are refused (safetensors' own reader uses 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every safetensors dtype. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The Recur dtype each safetensors dtype loads as (null: not loadable into a Recur tensor). */
const LOADS_AS: Readonly<Record<string, DType | null>> = {
  BOOL: 'bool',
  U8: 'int32',
  I8: 'int32',
  I16: 'int32',
  U16: 'int32',
  I32: 'int32',
  I64: 'int32',
  U32: 'int32',
  U64: 'int32',
  F16: 'float32',
  BF16: 'float32',
  F32: 'float32',
  F64: 'float32',
  F8_E5M2: null,
  F8_E4M3: null,
};

const SAVES_AS: Readonly<Record<DType, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

export interface TensorEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly dataOffsets: readonly [number, number];
}

export interface SafetensorsHeader {
  readonly tensors: Readonly<Record<string, TensorEntry>>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte offset of the data buffer in the file (8 + N). */
  readonly dataStart: number;
}

function fail(source: string, message: string): never {
  throw new FormatError(`${source}: ${message}`);
}

/**
 * A short rendering of an untrusted header value for messages. JSON.stringify recurses, so a
 * value nested thousands of levels deep (a 10 KB file can hold one) is described by its kind.
 */
export function previewJson(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? `an array of ${value.length} items nested too deep to print` : `a deeply nested ${typeof value}`;
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `target[key] = value` as an own property even for `__proto__` (plain assignment would set the prototype). */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Parse and validate the header of a safetensors file held in `bytes`. */
export function readSafetensorsHeader(bytes: Uint8Array, source = 'safetensors'): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(
      `${source}: expected the file's bytes as a Uint8Array; got ${bytes === null ? 'null' : typeof bytes === 'object' ? ((bytes as object).constructor?.name ?? 'an object') : typeof bytes}`,
    );
  }
  if (bytes.length < 8) fail(source, `file of ${bytes.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(bytes.length - 8)) {
    fail(source, `header length ${length} exceeds the ${bytes.length - 8} bytes after the length field (file size ${bytes.length})`);
  }
  if (length > BigInt(MAX_HEADER_BYTES)) fail(source, `header length ${length} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  const headerLength = Number(length);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    fail(source, `header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail(source, 'header must be a JSON object');
  const dataStart = 8 + headerLength;
  const bufferLength = bytes.length - dataStart;
  const tensors: Record<string, TensorEntry> = {};
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = readMetadata(source, raw);
      continue;
    }
    setOwn(tensors, name, readEntry(source, name, raw));
  }
  checkLayout(source, tensors, bufferLength);
  return { tensors, metadata, dataStart };
}

function readMetadata(source: string, raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(source, '__metadata__ must be an object of strings');
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string') fail(source, `__metadata__.${key} must be a string; got ${typeof value}`);
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, string>)) setOwn(metadata, key, value);
  return metadata;
}

function readEntry(source: string, name: string, raw: unknown): TensorEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    fail(source, `tensor '${name}' must be an object {dtype, shape, data_offsets}; got ${previewJson(raw)}`);
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
    fail(source, `tensor '${name}' has unknown dtype ${previewJson(dtype)} (expected one of ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(source, `tensor '${name}' has an invalid shape ${previewJson(shape)} (expected non-negative integers)`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(source, `tensor '${name}' has invalid data_offsets ${previewJson(offsets)} (expected [begin, end])`);
  }
  const [begin, end] = offsets as [number, number];
  const bytes = sizeOf(shape as number[]) * DTYPE_BYTES[dtype]!;
  if (end < begin || end - begin !== bytes) {
    fail(
      source,
      `tensor '${name}' (${dtype} ${fmtShape(shape as number[])}) needs ${bytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** Sorted by begin, the tensors must tile the buffer exactly: in bounds, no overlap, no gap. */
function checkLayout(source: string, tensors: Record<string, TensorEntry>, bufferLength: number): void {
  const spans = Object.entries(tensors).sort(
    (a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1],
  );
  let cursor = 0;
  for (const [name, entry] of spans) {
    const [begin, end] = entry.dataOffsets;
    if (begin < cursor) fail(source, `tensor '${name}' bytes [${begin}, ${end}] overlap the previous tensor (which ends at ${cursor})`);
    if (begin > cursor) fail(source, `gap of ${begin - cursor} bytes before tensor '${name}' at ${cursor}`);
    if (end > bufferLength) fail(source, `tensor '${name}' bytes [${begin}, ${end}] run past the data buffer of ${bufferLength} bytes`);
    cursor = end;
  }
  if (cursor !== bufferLength) fail(source, `${bufferLength - cursor} trailing bytes after the last tensor`);
}

const f16Scratch = new DataView(new ArrayBuffer(4));

function decodeF16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Decode one tensor's little-endian bytes into the typed array of its Recur dtype. */
function decode(
  source: string,
  name: string,
  entry: TensorEntry,
  bytes: Uint8Array,
): Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> {
  const target = LOADS_AS[entry.dtype];
  if (!target) fail(source, `tensor '${name}' has dtype ${entry.dtype}, which Recur cannot load`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = sizeOf(entry.shape);
  const width = DTYPE_BYTES[entry.dtype]!;
  if (target === 'bool') return Uint8Array.from(bytes, (b) => (b ? 1 : 0));
  // Same-width little-endian data: one aligned copy instead of an element loop.
  // Uint8Array's slice, a copy: a Node Buffer's own slice() is a view into a shared pool.
  if (entry.dtype === 'F32') return new Float32Array(Uint8Array.prototype.slice.call(bytes).buffer);
  if (entry.dtype === 'I32') return new Int32Array(Uint8Array.prototype.slice.call(bytes).buffer);
  const out = target === 'float32' ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * width;
    let value: number;
    switch (entry.dtype) {
      case 'F32':
        value = view.getFloat32(at, true);
        break;
      case 'F64':
        value = view.getFloat64(at, true);
        break;
      case 'F16':
        value = decodeF16(view.getUint16(at, true));
        break;
      case 'BF16':
        f16Scratch.setUint32(0, view.getUint16(at, true) << 16);
        value = f16Scratch.getFloat32(0);
        break;
      case 'I32':
        value = view.getInt32(at, true);
        break;
      case 'U32':
        value = view.getUint32(at, true);
        break;
      case 'I16':
        value = view.getInt16(at, true);
        break;
      case 'U16':
        value = view.getUint16(at, true);
        break;
      case 'I8':
        value = view.getInt8(at);
        break;
      case 'U8':
        value = view.getUint8(at);
        break;
      default: {
        const big = entry.dtype === 'I64' ? view.getBigInt64(at, true) : view.getBigUint64(at, true);
        if (big > 2147483647n || big < -2147483648n) fail(source, `tensor '${name}' element ${i} = ${big} does not fit int32`);
        value = Number(big);
      }
    }
    out[i] = value;
  }
  return out;
}

export interface LoadedSafetensors {
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Parse a safetensors file into tensors on the active (or given) backend. */
export function parseSafetensors(bytes: Uint8Array, options: Pick<CreateOptions, 'backend'> & { source?: string } = {}): LoadedSafetensors {
  const source = options.source ?? 'safetensors';
  const header = readSafetensorsHeader(bytes, source);
  const decoded = Object.entries(header.tensors).map(([name, entry]) => {
    const [begin, end] = entry.dataOffsets;
    return [name, entry, decode(source, name, entry, bytes.subarray(header.dataStart + begin, header.dataStart + end))] as const;
  });
  const tensors: Record<string, Tensor> = {};
  for (const [name, entry, values] of decoded) setOwn(tensors, name, fromTypedArray(values, entry.shape, { backend: options.backend }));
  return { tensors, metadata: header.metadata };
}

/**
 * Serialise tensors as safetensors, as the reference writer lays them out: header keys
 * `__metadata__` first, then tensors sorted by name, in that order in the buffer; the header is
 * padded with spaces to a multiple of 8 bytes.
 */
export async function serializeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const data = await t.data();
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // Typed arrays are host-endian; safetensors is little-endian, as are all current JS hosts.
    chunks.push(raw);
    setOwn(header, name, { dtype: SAVES_AS[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + raw.length] });
    offset += raw.length;
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
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
