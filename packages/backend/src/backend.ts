// BackendV1: the contract between the tensor core and a compute backend. Memory plus about a
// dozen kernels over strided views; everything else (autograd, views, broadcasting rules,
// losses, layers) lives above, in @recur/tensor. Optional capabilities are `?` members.

import type { AnyTypedArray, DType } from './dtype.js';
import type { BinaryOp, ReduceOp, UnaryOp } from './ops.js';
import type { RandomParams } from './philox.js';
import type { FusedKernels } from './fused.js';
import type { QuantizedKernels } from './quantized.js';
import type { BackendBuffer, View } from './view.js';

export interface MatmulOptions {
  /** Use op(A) = Aᵀ: `a` is viewed as [..., K, M] instead of [..., M, K]. */
  readonly transposeA?: boolean;
  /** Use op(B) = Bᵀ: `b` is viewed as [..., N, K] instead of [..., K, N]. */
  readonly transposeB?: boolean;
  /** out += op(A)·op(B) instead of out = op(A)·op(B). */
  readonly accumulate?: boolean;
}

export interface BackendMemoryInfo {
  readonly numBuffers: number;
  readonly numBytes: number;
}

/**
 * Version 1 of the backend interface. Every kernel writes into a caller-owned `out` view whose
 * shape is given; inputs are strided views already broadcast to the shapes stated per kernel
 * (the tensor core expands broadcast operands with stride 0). `out` never aliases an input
 * unless the kernel says so. Kernels run in submission order; `read` observes all earlier work.
 */
export interface BackendV1<B extends BackendBuffer = BackendBuffer> {
  readonly specificationVersion: 'v1';
  readonly name: string;

  // ── memory ────────────────────────────────────────────────────────────────────────────
  /** A buffer of `size` elements of `dtype`, zero-filled. `size` may be 0. */
  alloc(size: number, dtype: DType): B;
  /** Release a buffer; using it afterwards is an error. Freeing twice is an error. */
  free(buffer: B): void;
  /** Copy host data into `buffer` starting at element `offset` (default 0). */
  write(buffer: B, data: AnyTypedArray, offset?: number): void;
  /** Read `size` elements from element `offset` (defaults: the whole buffer), after pending work. */
  read(buffer: B, offset?: number, size?: number): Promise<AnyTypedArray>;
  /** Synchronous read; only backends whose memory is host memory provide it. */
  readSync?(buffer: B, offset?: number, size?: number): AnyTypedArray;
  /** Submit queued work; a no-op for synchronous backends. */
  flush(): void;
  /** Buffers and bytes currently allocated by this backend. */
  memory(): BackendMemoryInfo;
  /** Release everything; the backend is unusable afterwards. */
  dispose?(): void;

  // ── compute ───────────────────────────────────────────────────────────────────────────
  /** out[i] = op(x[i]); x and out have out's shape; dtype rules from UNARY_OPS. */
  unary(op: UnaryOp, x: View<B>, out: View<B>): void;
  /** out[i] = op(a[i], b[i]); a, b have out's shape (broadcast by stride 0), same dtype. */
  binary(op: BinaryOp, a: View<B>, b: View<B>, out: View<B>): void;
  /** out[i] = cond[i] ? a[i] : b[i]; cond is bool; a, b and out share a dtype and shape. */
  where(cond: View<B>, a: View<B>, b: View<B>, out: View<B>): void;
  /**
   * Reduce `x` over `axes`. `out` has x's rank with the reduced axes of size 1. Reducing an
   * empty axis gives the op's identity (sum 0, prod 1, max -∞, min +∞). argmax/argmin take
   * exactly one axis and write int32 indices (the first extreme); they need a non-empty axis.
   */
  reduce(op: ReduceOp, x: View<B>, axes: readonly number[], out: View<B>): void;
  /**
   * Batched matrix product out[..., M, N] (+)= op(A)[..., M, K] · op(B)[..., K, N]. Batch
   * dimensions of a and b are already broadcast to out's batch shape. float32 only.
   */
  matmul(a: View<B>, b: View<B>, out: View<B>, options?: MatmulOptions): void;
  /** out[i] = x[i] elementwise over two views of one shape and dtype (strided copy). */
  copy(x: View<B>, out: View<B>): void;
  /** out[i] = x[i] converted to out's dtype (float→int truncates toward zero; →bool is x ≠ 0). */
  cast(x: View<B>, out: View<B>): void;
  /** out[i] = value, converted to out's dtype. */
  fill(out: View<B>, value: number): void;
  /**
   * torch.gather along `axis`: out[..., j, ...] = x[..., indices[..., j, ...], ...]. `indices`
   * (int32) and out share a shape; x matches it on every axis but `axis`. An index outside
   * [0, x.shape[axis]) is an IndexError naming it and the range: a synchronous backend throws
   * at the call (the tensor core checks host indices first); an asynchronous one (WebGPU)
   * leaves out the bad element and throws at the next `read`, withholding that read's data.
   */
  gather(x: View<B>, indices: View<B>, axis: number, out: View<B>): void;
  /**
   * torch.scatter_add_ along `axis`: out[..., indices[..., j, ...], ...] += src[..., j, ...].
   * `indices` and `src` share a shape; `out` is updated in place (it is read and written).
   * Out-of-range indices raise as in `gather`.
   */
  scatterAdd(indices: View<B>, src: View<B>, axis: number, out: View<B>): void;
  /** Counter-based random numbers (Philox4x32-10); see `randomElement` for the exact mapping. */
  random(out: View<B>, params: RandomParams): void;

  /** Fused kernels; each is optional and proven equal to its composed form by the testkit. */
  readonly fused?: FusedKernels<B>;
  /** Kernels over packed int8 / float16 weights (quantized.ts); each optional, with a dequantise-then-matmul fallback. */
  readonly quantized?: QuantizedKernels<B>;
}

/** A factory the registry calls when a backend is first used; may be async (GPU adapters). */
export type BackendFactory = () => BackendV1 | Promise<BackendV1>;

/**
 * What `registerBackend` takes: a named, prioritised factory. `cpu()`, `webgpu()` return one.
 * Higher priority wins when no backend is chosen explicitly.
 */
export interface BackendPlugin {
  readonly name: string;
  readonly priority?: number;
  create(): BackendV1 | Promise<BackendV1>;
}
