// Finding NaN and ±Infinity: in a model's parameters (after a training step, before validating
// or saving) and in the float tensors of a checkpoint file, read straight from its bytes so the
// check needs no backend and covers optimizer moments as well as weights.

import type { Module } from '@recur/cells';
import type { SafetensorsHeader } from '@recur/tensor';

/** Where non-finite values were found: the tensor's key and how many of its values. */
export interface NonFinite {
  readonly name: string;
  readonly count: number;
  readonly size: number;
}

/** The first parameter of `model` holding a NaN or an infinity, or null when all are finite. */
export async function firstNonFiniteParameter(model: Module): Promise<NonFinite | null> {
  for (const [name, parameter] of model.namedParameters()) {
    const values = await parameter.data();
    let count = 0;
    for (const value of values) if (!Number.isFinite(value)) count++;
    if (count > 0) return { name, count, size: values.length };
  }
  return null;
}

/** IEEE half and bfloat16: a value is non-finite when every exponent bit is set. */
const EXPONENT_MASK: Readonly<Record<string, number>> = { F16: 0x7c00, BF16: 0x7f80 };

function countNonFinite(view: DataView, dtype: string, start: number, end: number): number {
  let count = 0;
  if (dtype === 'F32') {
    for (let at = start; at + 4 <= end; at += 4) if (!Number.isFinite(view.getFloat32(at, true))) count++;
  } else if (dtype === 'F64') {
    for (let at = start; at + 8 <= end; at += 8) if (!Number.isFinite(view.getFloat64(at, true))) count++;
  } else if (dtype in EXPONENT_MASK) {
    const mask = EXPONENT_MASK[dtype]!;
    for (let at = start; at + 2 <= end; at += 2) if ((view.getUint16(at, true) & mask) === mask) count++;
  }
  return count;
}

const ELEMENT_BYTES: Readonly<Record<string, number>> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** The float tensors of a safetensors file (header already validated) that hold non-finite values. */
export function nonFiniteTensors(bytes: Uint8Array, header: SafetensorsHeader): NonFinite[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: NonFinite[] = [];
  for (const [name, entry] of Object.entries(header.tensors)) {
    const width = ELEMENT_BYTES[entry.dtype];
    if (width === undefined) continue;
    const [from, to] = entry.dataOffsets;
    const count = countNonFinite(view, entry.dtype, header.dataStart + from, header.dataStart + to);
    if (count > 0) found.push({ name, count, size: (to - from) / width });
  }
  return found;
}
