// Element types shared by every backend and the tensor core.
// float32 ↔ Float32Array, int32 ↔ Int32Array, bool ↔ Uint8Array (0 or 1).

export type DType = 'float32' | 'int32' | 'bool';

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

export type TypedArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array<ArrayBuffer>
  : D extends 'int32'
    ? Int32Array<ArrayBuffer>
    : Uint8Array<ArrayBuffer>;

export type AnyTypedArray = Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** Bytes per element of each dtype. */
export const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/** A fresh zeroed typed array of `size` elements for `dtype`. */
export function typedArrayFor(dtype: DType, size: number): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The dtype a typed array holds, or undefined for other array kinds. */
export function dtypeOfArray(array: ArrayBufferView): DType | undefined {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'bool';
  return undefined;
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'int32' || value === 'bool';
}
