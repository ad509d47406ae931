// The Tensor: a strided view (shape, strides, offset) over refcounted backend storage, with
// autograd state. Views share storage without copies; methods forward to the op functions.

import {
  BackendError,
  DTypeError,
  DisposedError,
  GradError,
  ValueError,
  describeValue,
  isContiguous,
  sizeOf,
  type AnyTypedArray,
  type DType,
} from '@recur/backend';
import { engine, forgetTensor, trackTensor, untrackTensor, type Frame } from './engine.js';
import { setReclaim, turnNowAndThen, unwatch, watch, type Cell } from './reclaim.js';
import type { Storage } from './storage.js';
import { backward, releaseNode, type BackwardOptions, type Node } from './autograd.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as vw from './ops/views.js';
import * as act from './ops/activation.js';
import { matmul } from './ops/matmul.js';
import { gather, indexSelect } from './ops/indexing.js';
import { split, chunk, pad } from './ops/join.js';
import { fullLike } from './creation.js';
import { assign } from './ops/assign.js';
import { toBackend, type BackendTarget } from './move.js';

export type NestedArray = number | boolean | NestedArray[];
type Operand = Tensor | number;

export class Tensor {
  readonly id: number;
  readonly dtype: DType;
  grad: Tensor | null = null;
  /** The scope frame that disposes this tensor, if any (managed by `scope`/`keep`). */
  frame: Frame | null = null;
  // The storage reference and graph node, apart from the tensor so that the finalizer
  // (reclaim.ts) can release them once the tensor itself is unreachable.
  private readonly cell: Cell;
  private requiresGrad_ = false;
  private readonly internal: boolean;

  constructor(
    storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
    options: { internal?: boolean } = {},
  ) {
    this.id = engine.nextId++;
    this.cell = { storage, gradFn: null };
    this.dtype = storage.dtype;
    this.internal = options.internal ?? false;
    trackTensor(this, storage.key, !this.internal);
    watch(this, this.cell);
  }

  /** The op node that computed this tensor (null for a leaf). */
  get gradFn(): Node | null {
    return this.cell.gradFn;
  }
  set gradFn(node: Node | null) {
    this.cell.gradFn = node;
  }

  // ── identity and state ───────────────────────────────────────────────────────────────
  get size(): number {
    return sizeOf(this.shape);
  }
  get rank(): number {
    return this.shape.length;
  }
  /** The key its backend was registered under (`'cpu'`, `'webgpu'`, or a second key such as `'cpu2'`); the backend's own `name` if it was never registered. */
  get backend(): string {
    return this.liveStorage('backend').key;
  }
  get isDisposed(): boolean {
    return this.cell.storage === null;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  /** Contiguous, starting at 0, covering its whole storage, and its storage's only user. */
  get isDenseOwner(): boolean {
    const storage = this.liveStorage('isDenseOwner');
    return this.offset === 0 && this.isContiguous && storage.size === this.size && storage.soleOwner;
  }

  get requiresGrad(): boolean {
    return this.requiresGrad_;
  }
  set requiresGrad(flag: boolean) {
    if (typeof flag !== 'boolean') throw new ValueError(`requiresGrad: expected true or false; got ${describeValue(flag)}`);
    if (!this.isLeaf) {
      throw new GradError('requiresGrad: can only be set on a leaf tensor (this one was computed by an op)');
    }
    if (flag && this.dtype !== 'float32') {
      throw new DTypeError(`requiresGrad: only float32 tensors can require grad; got ${this.dtype}`);
    }
    this.requiresGrad_ = flag;
  }
  /** Chainable form: `randn([3, 4]).requireGrad()` (PyTorch's `requires_grad_()`). */
  requireGrad(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** @internal Used by `attach` for op outputs. */
  markRequiresGrad(): void {
    this.requiresGrad_ = true;
  }

  /** @internal The storage, or a DisposedError naming the op that tried to use it. */
  liveStorage(op: string): Storage {
    const storage = this.cell.storage;
    if (!storage) {
      throw new DisposedError(`${op}: tensor #${this.id} (shape [${this.shape.join(',')}]) was used after dispose()`);
    }
    return storage;
  }

  /** @internal Another handle on the same memory, outside every scope (saved for backward). */
  alias(): Tensor {
    const storage = this.liveStorage('alias').retain();
    return new Tensor(storage, this.shape, this.strides, this.offset, { internal: true });
  }

  /** @internal A public view on the same storage with other shape/strides/offset. */
  viewAs(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    const storage = this.liveStorage('view').retain();
    return new Tensor(storage, shape, strides, offset);
  }

  /** @internal Point this handle at `storage` (same dtype and size, another backend) and release the old: moveInPlace's last step. */
  swapStorage(storage: Storage): void {
    const old = this.liveStorage('swapStorage');
    this.cell.storage = storage;
    forgetTensor(old.key);
    trackTensor(this, storage.key, false);
    old.release();
  }

  /** Free this handle (its memory when no other view shares it). Safe to call twice. */
  dispose(): void {
    const storage = this.cell.storage;
    if (!storage) return;
    // Disposed explicitly: the finalizer must never release this handle a second time.
    unwatch(this);
    this.cell.storage = null;
    untrackTensor(this, storage.key);
    storage.release();
    const node = this.cell.gradFn;
    this.cell.gradFn = null;
    if (node) releaseNode(node);
    this.grad?.dispose();
    this.grad = null;
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────
  /** The elements in row-major order, after all pending work. */
  async data(): Promise<AnyTypedArray> {
    const storage = this.liveStorage('data');
    let values: AnyTypedArray;
    if (this.isContiguous) values = await storage.backend.read(storage.buffer, this.offset, this.size);
    else {
      const dense = this.contiguous();
      try {
        const denseStorage = dense.liveStorage('data');
        values = await denseStorage.backend.read(denseStorage.buffer, 0, dense.size);
      } finally {
        dense.dispose();
      }
    }
    // So that a loop awaiting only its loss still lets the finalizers free what it dropped.
    await turnNowAndThen();
    return values;
  }

  /** Synchronous `data()`; only for backends with host memory (the CPU backend). */
  dataSync(): AnyTypedArray {
    const storage = this.liveStorage('dataSync');
    const readSync = storage.backend.readSync;
    if (!readSync) {
      throw new BackendError(`dataSync: backend '${storage.key}' has no synchronous read; use await t.data()`);
    }
    if (this.isContiguous) return readSync.call(storage.backend, storage.buffer, this.offset, this.size);
    const dense = this.contiguous();
    try {
      return dense.dataSync();
    } finally {
      dense.dispose();
    }
  }

  async toArray(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }
  toArraySync(): NestedArray {
    return nest(this.dataSync(), this.shape, this.dtype);
  }
  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    return singleValue(this, await this.data());
  }
  itemSync(): number {
    return singleValue(this, this.dataSync());
  }

  toString(): string {
    const where = this.cell.storage ? this.cell.storage.key : 'disposed';
    return `Tensor(shape=[${this.shape.join(',')}], dtype=${this.dtype}, backend=${where}${this.requiresGrad_ ? ', requiresGrad' : ''})`;
  }

  // ── autograd ─────────────────────────────────────────────────────────────────────────
  backward(gradient?: Tensor, options?: BackwardOptions): void {
    backward(this, gradient, options);
  }
  /** Overwrite this tensor's values in place (outside autograd: use inside noGrad for parameters). */
  assign(value: Tensor | number): this {
    assign(this, value);
    return this;
  }

  /**
   * A copy on another backend (an instance or a registered name), same shape, dtype and values.
   * Async because reading a GPU buffer is: `const c = await t.to('cpu')`. The copy is a new leaf
   * carrying `requiresGrad` (no gradient flows back to `t`); see move.ts. Modules: `module.to()`.
   */
  to(backend: BackendTarget): Promise<Tensor> {
    return toBackend(this, backend);
  }

  /** A new handle on the same memory, cut from the graph. */
  detach(): Tensor {
    return this.viewAs(this.shape, this.strides, this.offset);
  }

  // ── elementwise ──────────────────────────────────────────────────────────────────────
  add(other: Operand): Tensor {
    return ew.add(this, other);
  }
  sub(other: Operand): Tensor {
    return ew.sub(this, other);
  }
  mul(other: Operand): Tensor {
    return ew.mul(this, other);
  }
  div(other: Operand): Tensor {
    return ew.div(this, other);
  }
  pow(exponent: Operand): Tensor {
    return ew.pow(this, exponent);
  }
  maximum(other: Operand): Tensor {
    return ew.maximum(this, other);
  }
  minimum(other: Operand): Tensor {
    return ew.minimum(this, other);
  }
  neg(): Tensor {
    return ew.neg(this);
  }
  exp(): Tensor {
    return ew.exp(this);
  }
  log(): Tensor {
    return ew.log(this);
  }
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  abs(): Tensor {
    return ew.abs(this);
  }
  sign(): Tensor {
    return ew.sign(this);
  }
  square(): Tensor {
    return ew.square(this);
  }
  reciprocal(): Tensor {
    return ew.reciprocal(this);
  }
  sin(): Tensor {
    return ew.sin(this);
  }
  cos(): Tensor {
    return ew.cos(this);
  }
  floor(): Tensor {
    return ew.floor(this);
  }
  ceil(): Tensor {
    return ew.ceil(this);
  }
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  tanh(): Tensor {
    return ew.tanh(this);
  }
  relu(): Tensor {
    return ew.relu(this);
  }
  clamp(options: { min?: number; max?: number }): Tensor {
    return ew.clamp(this, options);
  }
  eq(other: Operand): Tensor {
    return ew.eq(this, other);
  }
  ne(other: Operand): Tensor {
    return ew.ne(this, other);
  }
  lt(other: Operand): Tensor {
    return ew.lt(this, other);
  }
  le(other: Operand): Tensor {
    return ew.le(this, other);
  }
  gt(other: Operand): Tensor {
    return ew.gt(this, other);
  }
  ge(other: Operand): Tensor {
    return ew.ge(this, other);
  }
  logicalNot(): Tensor {
    return ew.logicalNot(this);
  }
  logicalAnd(other: Tensor): Tensor {
    return ew.logicalAnd(this, other);
  }
  logicalOr(other: Tensor): Tensor {
    return ew.logicalOr(this, other);
  }
  /** A copy converted to `dtype` (gradient flows float32 → float32 only). */
  toDType(dtype: DType): Tensor {
    return ew.cast(this, dtype);
  }

  // ── reductions and activations ───────────────────────────────────────────────────────
  sum(options?: red.ReduceOptions): Tensor {
    return red.sum(this, options);
  }
  mean(options?: red.ReduceOptions): Tensor {
    return red.mean(this, options);
  }
  max(options?: red.ReduceOptions): Tensor {
    return red.max(this, options);
  }
  min(options?: red.ReduceOptions): Tensor {
    return red.min(this, options);
  }
  argmax(options?: red.ArgOptions): Tensor {
    return red.argmax(this, options);
  }
  argmin(options?: red.ArgOptions): Tensor {
    return red.argmin(this, options);
  }
  logSumExp(options?: red.ReduceOptions): Tensor {
    return red.logSumExp(this, options);
  }
  softmax(axis = -1): Tensor {
    return act.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return act.logSoftmax(this, axis);
  }
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  // ── views and shape ──────────────────────────────────────────────────────────────────
  reshape(shape: readonly number[]): Tensor {
    return vw.reshape(this, shape);
  }
  view(shape: readonly number[]): Tensor {
    return vw.view(this, shape);
  }
  permute(axes: readonly number[]): Tensor {
    return vw.permute(this, axes);
  }
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return vw.transpose(this, axis0, axis1);
  }
  get T(): Tensor {
    return vw.transpose(this, -2, -1);
  }
  expand(shape: readonly number[]): Tensor {
    return vw.expand(this, shape);
  }
  narrow(axis: number, start: number, length: number): Tensor {
    return vw.narrow(this, axis, start, length);
  }
  slice(axis: number, start?: number, end?: number, step?: number): Tensor {
    return vw.slice(this, axis, start, end, step);
  }
  select(axis: number, index: number): Tensor {
    return vw.select(this, axis, index);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return vw.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return vw.unsqueeze(this, axis);
  }
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return vw.flatten(this, startAxis, endAxis);
  }
  contiguous(): Tensor {
    return vw.contiguous(this);
  }
  clone(): Tensor {
    return vw.clone(this);
  }
  split(sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
    return split(this, sizeOrSections, axis);
  }
  chunk(chunks: number, axis = 0): Tensor[] {
    return chunk(this, chunks, axis);
  }
  pad(pads: readonly number[], value = 0): Tensor {
    return pad(this, pads, value);
  }
  gather(axis: number, indices: Tensor): Tensor {
    return gather(this, axis, indices);
  }
  indexSelect(axis: number, indices: Tensor | readonly number[]): Tensor {
    return indexSelect(this, axis, indices);
  }

  // ── creation helpers ─────────────────────────────────────────────────────────────────
  onesLike(): Tensor {
    return fullLike(this, 1);
  }
  zerosLike(): Tensor {
    return fullLike(this, 0);
  }
}

// A handle nobody can reach: the same release as dispose(), minus the scope bookkeeping (an
// unreachable tensor is in no scope) and its .grad (a tensor with its own registration).
setReclaim((cell) => {
  const { storage, gradFn } = cell;
  cell.storage = null;
  cell.gradFn = null;
  try {
    if (storage) {
      forgetTensor(storage.key);
      storage.release();
    }
  } finally {
    if (gradFn) releaseNode(gradFn);
  }
});

function singleValue(t: Tensor, data: AnyTypedArray): number {
  if (data.length !== 1) {
    throw new DTypeError(`item: needs a tensor of exactly one element; got shape [${t.shape.join(',')}]`);
  }
  return data[0]!;
}

function nest(data: AnyTypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const toValue = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return toValue(data[0]!);
  let position = 0;
  const build = (axis: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[axis]!; i++) {
      out.push(axis === shape.length - 1 ? toValue(data[position++]!) : build(axis + 1));
    }
    return out;
  };
  return build(0);
}
