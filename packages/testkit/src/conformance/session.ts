// One test's operands on both backends: each logical tensor is placed strided on the backend
// under test and contiguous on the CPU reference, so a case checks strided ≡ contiguous as well
// as backend ≡ CPU. The session owns every buffer it allocates and frees them all on release.

import { fmtShape, sizeOf, typedArrayFor } from '@recur/backend';
import type { AnyTypedArray, BackendBuffer, BackendV1, DType, View } from '@recur/backend';
import { expect } from 'vitest';
import { expectClose } from '@recur/test-support';
import type { Bound } from './compare.js';
import { sentinel, type Generate, type Shape } from './generators.js';
import { layoutName, makeLayout, viewIndices, type LayoutRequest } from './layouts.js';
import type { Rng } from './prng.js';

export interface PairedInput {
  /** Strided view on the backend under test. */
  readonly view: View;
  /** Contiguous view of the same logical values on the CPU reference. */
  readonly reference: View;
  /** The logical values, row-major. */
  readonly logical: AnyTypedArray;
  readonly layout: string;
}

export interface PairedOutput extends PairedInput {
  /** Buffer index of each logical element of `view`. */
  readonly indices: Int32Array;
  /** The whole buffer behind `view` as written before the kernel ran. */
  readonly before: AnyTypedArray;
}

export interface OutputResult {
  /** Logical values read through the strided view of the backend under test. */
  readonly actual: AnyTypedArray;
  /** Logical values of the CPU reference. */
  readonly expected: AnyTypedArray;
  /** Buffer elements outside the view that the kernel changed. */
  readonly clobbered: string[];
}

export class Session {
  private owned: { backend: BackendV1; buffer: BackendBuffer }[] = [];
  /** Cases compared so far; a test that compared none would pass vacuously. */
  casesChecked = 0;

  constructor(
    readonly backend: BackendV1,
    readonly reference: BackendV1,
    readonly rng: Rng,
  ) {}

  alloc(backend: BackendV1, size: number, dtype: DType): BackendBuffer {
    const buffer = backend.alloc(size, dtype);
    this.owned.push({ backend, buffer });
    return buffer;
  }

  /** A buffer on `backend` holding `data`, viewed contiguously with `shape`. */
  contiguous(backend: BackendV1, dtype: DType, shape: Shape, data: ArrayLike<number>): View {
    const buffer = this.alloc(backend, data.length, dtype);
    const host = typedArrayFor(dtype, data.length);
    host.set(data);
    backend.write(buffer, host);
    let stride = 1;
    const strides = shape.map(() => 0);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      strides[axis] = stride;
      stride *= shape[axis]!;
    }
    return { buffer, dtype, shape: [...shape], strides, offset: 0 };
  }

  /** A logical tensor drawn from `generate`; padding and broadcast storage come from it too. */
  input(dtype: DType, shape: Shape, layout: LayoutRequest, generate: Generate): PairedInput {
    const placed = makeLayout(layout, shape, this.rng);
    const host = typedArrayFor(dtype, placed.bufferSize);
    for (let i = 0; i < host.length; i++) host[i] = generate(this.rng);
    const buffer = this.alloc(this.backend, placed.bufferSize, dtype);
    this.backend.write(buffer, host);
    const indices = viewIndices(shape, placed.strides, placed.offset);
    const logical = typedArrayFor(dtype, indices.length);
    for (let i = 0; i < indices.length; i++) logical[i] = host[indices[i]!]!;
    return {
      view: { buffer, dtype, shape: [...shape], strides: [...placed.strides], offset: placed.offset },
      reference: this.contiguous(this.reference, dtype, shape, logical),
      logical,
      layout: layoutName(layout),
    };
  }

  /**
   * An output view whose buffer is prefilled with sentinels. With `initial` (kernels that read
   * `out`: accumulate, scatterAdd) the view starts at those logical values on both backends;
   * otherwise the reference starts at zero, so an element neither backend writes still differs.
   */
  output(dtype: DType, shape: Shape, layout: LayoutRequest, initial?: ArrayLike<number>): PairedOutput {
    const placed = makeLayout(layout, shape, this.rng);
    const generate = sentinel(dtype);
    const host = typedArrayFor(dtype, placed.bufferSize);
    for (let i = 0; i < host.length; i++) host[i] = generate(this.rng);
    const indices = viewIndices(shape, placed.strides, placed.offset);
    const logical = typedArrayFor(dtype, indices.length);
    if (initial) for (let i = 0; i < indices.length; i++) host[indices[i]!] = logical[i] = initial[i]!;
    const buffer = this.alloc(this.backend, placed.bufferSize, dtype);
    this.backend.write(buffer, host);
    return {
      view: { buffer, dtype, shape: [...shape], strides: [...placed.strides], offset: placed.offset },
      reference: this.contiguous(this.reference, dtype, shape, initial ? logical : typedArrayFor(dtype, indices.length)),
      logical,
      layout: layoutName(layout),
      indices,
      before: host,
    };
  }

  async result(out: PairedOutput): Promise<OutputResult> {
    const whole = await this.backend.read(out.view.buffer);
    const expected = await this.reference.read(out.reference.buffer);
    const actual = typedArrayFor(out.view.dtype, out.indices.length);
    const inside = new Uint8Array(out.before.length);
    for (let i = 0; i < out.indices.length; i++) {
      actual[i] = whole[out.indices[i]!]!;
      inside[out.indices[i]!] = 1;
    }
    const clobbered: string[] = [];
    if (whole.length !== out.before.length) clobbered.push(`read ${whole.length} elements of ${out.before.length}`);
    for (let i = 0; i < out.before.length && clobbered.length < 6; i++) {
      if (!inside[i] && !Object.is(whole[i], out.before[i])) clobbered.push(`[${i}] ${out.before[i]} → ${whole[i]}`);
    }
    return { actual, expected, clobbered };
  }

  /**
   * Reads `out` on both backends and checks: nothing outside the view changed, the backend
   * agrees with the CPU within `bound`, and (given `contract`, values computed on the host from
   * the kernel's documented math) the CPU itself agrees with the contract.
   */
  async check(label: string, out: PairedOutput, bound: Bound, contract?: ArrayLike<number>): Promise<void> {
    const { actual, expected, clobbered } = await this.result(out);
    const where = `${label} → out ${fmtShape(out.view.shape)} ${out.layout}`;
    expect(clobbered, `${where}: elements outside the out view`).toEqual([]);
    expectClose(actual, expected, bound, `${where}: backend vs cpu`);
    expect(expected.length, `${where}: cpu output size`).toBe(sizeOf(out.view.shape));
    if (contract) expectClose(expected, contract, bound, `${where}: cpu vs contract`);
    this.casesChecked++;
  }

  /** Frees every buffer allocated so far; the session stays usable for further cases. */
  release(): void {
    const owned = this.owned;
    this.owned = [];
    for (const { backend, buffer } of owned) backend.free(buffer);
  }
}
