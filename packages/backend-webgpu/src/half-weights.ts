// W_hh as half floats for the whole-sequence recurrent kernels (the backend option
// recurrentWeights: 'float16'): a float32 view [N, K] is converted on the GPU into int32 words
// [N, P], two IEEE binary16 values a word (column 2p in the low half, @recur/backend's float16
// layout), so each step's product reads half the bytes. One copy per (buffer, view), converted
// again when the buffer's version changes (any write: `write`, an optimizer kernel) and freed
// with the buffer. N rows, K columns, P = ⌈K/2⌉ words per row.

import { ShapeError, fmtShape, float16Words } from '@recur/backend';
import { coversBuffer, expectDType, viewHandle, type GpuView } from './check.js';
import { FIRST_PARAM, type KernelContext } from './kernel-context.js';
import type { WebGPUBuffer } from './memory.js';

const WORKGROUP = 64;

interface Entry {
  /** The view's geometry: offset, shape and strides. */
  readonly key: string;
  /** The source buffer's version the copy was converted from. */
  version: number;
  readonly packed: GpuView;
}

/**
 * One binary16 in the low half of a word. pack2x16float leaves values outside binary16's finite
 * range indeterminate, so those are set here: NaN stays NaN, beyond ±65504 is ±∞.
 */
const HALF = `
fn recur_half(x: f32) -> u32 {
  if (recur_is_nan(x)) { return 0x7e00u; }
  if (abs(x) > 65504.0) { return ((bitcast<u32>(x) >> 16u) & 0x8000u) | 0x7c00u; }
  return pack2x16float(vec2<f32>(x, 0.0)) & 0xffffu;
}`;

export class HalfWeights {
  readonly #entries = new Map<WebGPUBuffer, Entry[]>();

  constructor(private readonly context: KernelContext) {
    context.memory.onFree((buffer) => this.#drop(buffer));
  }

  /** The half-float copy of `view` (float32 [N, K]) as int32 [N, ⌈K/2⌉], converted first when stale. */
  packed(op: string, name: string, view: GpuView): GpuView {
    expectDType(op, name, view.dtype, ['float32']);
    if (view.shape.length !== 2) throw new ShapeError(`${op}: ${name} must be 2-D; got ${fmtShape(view.shape)}`);
    const source = viewHandle(this.context.memory, op, name, view);
    const key = `${view.offset}:${view.shape.join(',')}:${view.strides.join(',')}`;
    const list = this.#entries.get(view.buffer) ?? [];
    let entry = list.find((candidate) => candidate.key === key);
    if (entry && entry.version === source.version) return entry.packed;
    if (!entry) {
      const [rows, cols] = view.shape as [number, number];
      const words = float16Words(cols);
      const buffer = this.context.memory.alloc(rows * words, 'int32');
      entry = { key, version: -1, packed: { buffer, dtype: 'int32', shape: [rows, words], strides: [words, 1], offset: 0 } };
      list.push(entry);
      this.#entries.set(view.buffer, list);
    }
    this.#convert(op, name, view, entry.packed);
    entry.version = source.version;
    return entry.packed;
  }

  #convert(op: string, name: string, view: GpuView, packed: GpuView): void {
    const [rows, cols] = view.shape as [number, number];
    const words = packed.shape[1]!;
    const P = (k: number) => `pi(${FIRST_PARAM + k}u)`;
    this.context.run({
      key: 'halfWeights',
      operands: [
        { handle: viewHandle(this.context.memory, op, name, view), access: 'read' },
        { handle: this.context.memory.own(packed.buffer, op), access: 'read_write', overwrite: coversBuffer(packed) },
      ],
      shader: (bindings) => ({
        workgroupSize: WORKGROUP,
        helpers: HALF,
        body: `
  let N = ${P(0)}; let K = ${P(1)}; let W = ${P(2)};
  let off = ${P(3)}; let rs = ${P(4)}; let cs = ${P(5)};
  let index = i32(group) * ${WORKGROUP} + i32(lid);
  if (index >= N * W) { return; }
  let n = index / W;
  let k = 2 * (index % W);
  let low = recur_half(${bindings.load(0, 'off + n * rs + k * cs', 'f32')});
  var high = 0u;
  if (k + 1 < K) { high = recur_half(${bindings.load(0, 'off + n * rs + (k + 1) * cs', 'f32')}); }
  ${bindings.store(1, 'index', '(high << 16u) | low', 'u32')}`,
      }),
      params: [rows, cols, words, view.offset, view.strides[0]!, view.strides[1]!],
      groups: Math.ceil((rows * words) / WORKGROUP),
    });
  }

  #drop(buffer: WebGPUBuffer): void {
    const list = this.#entries.get(buffer);
    if (!list) return;
    this.#entries.delete(buffer);
    for (const entry of list) this.context.memory.free(entry.packed.buffer);
  }
}
