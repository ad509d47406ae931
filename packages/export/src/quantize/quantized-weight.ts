// One compressed weight matrix W [N, K] (N outputs, K inputs): int8 values with a float32 scale
// per row, or float16 values. The host copy is what files hold; each backend that has the
// quantised kernels gets the packed int32 words once (cached per backend); others take the
// fallback, a float32 W dequantised on the host for one call (dequantise on use).

import { DTypeError, ValueError, float16Words, int8Words, type BackendV1 } from '@recur/backend';
import { backendOf, empty, fromTypedArray, getBackend, keep, kernelView, linear, scope, type Tensor } from '@recur/tensor';
import { dequantizeInt8Rows, packInt8Words, quantizeInt8Rows } from './int8.js';
import { fromFloat16Array, packFloat16Words, toFloat16Array } from './float16.js';

export type QuantizedDType = 'int8' | 'float16';

interface DeviceCopy {
  readonly words: Tensor;
  readonly scales: Tensor | null;
}

export class QuantizedWeight {
  readonly dtype: QuantizedDType;
  /** [N, K]. */
  readonly shape: readonly [number, number];
  /** int8: q [N·K]; float16: the binary16 bits [N·K]. Row-major. */
  readonly values: Int8Array<ArrayBuffer> | Uint16Array<ArrayBuffer>;
  /** int8: s [N]; float16: null. */
  readonly scales: Float32Array<ArrayBuffer> | null;
  readonly #devices = new Map<BackendV1, DeviceCopy>();

  constructor(
    dtype: QuantizedDType,
    shape: readonly [number, number],
    values: Int8Array<ArrayBuffer> | Uint16Array<ArrayBuffer>,
    scales: Float32Array<ArrayBuffer> | null,
  ) {
    const [rows, cols] = shape;
    const int8 = dtype === 'int8';
    if (int8 ? !(values instanceof Int8Array) || !(scales instanceof Float32Array) : !(values instanceof Uint16Array)) {
      throw new ValueError(`QuantizedWeight: ${dtype} expects ${int8 ? 'Int8Array values and Float32Array scales' : 'Uint16Array values'}`);
    }
    if (values.length !== rows * cols || (scales && scales.length !== rows)) {
      throw new ValueError(
        `QuantizedWeight: shape [${rows}, ${cols}] needs ${rows * cols} values${int8 ? ` and ${rows} scales` : ''}; got ${values.length}${scales ? ` and ${scales.length}` : ''}`,
      );
    }
    this.dtype = dtype;
    this.shape = [rows, cols];
    this.values = values;
    this.scales = int8 ? scales : null;
  }

  /** Compress a float32 weight [N, K] (read from its backend). */
  static async fromTensor(weight: Tensor, dtype: QuantizedDType): Promise<QuantizedWeight> {
    if (weight.dtype !== 'float32') throw new DTypeError(`quantizeDynamic: expected a float32 weight; got ${weight.dtype}`);
    return QuantizedWeight.fromArray((await weight.data()) as Float32Array, weight.shape, dtype);
  }

  /** Compress a float32 weight [N, K] held on the host. */
  static fromArray(data: Float32Array, shape: readonly number[], dtype: QuantizedDType): QuantizedWeight {
    if (shape.length !== 2) throw new ValueError(`QuantizedWeight: expected a 2-D weight [N, K]; got [${shape.join(', ')}]`);
    const [rows, cols] = shape as [number, number];
    if (dtype === 'int8') {
      const { values, scales } = quantizeInt8Rows(data, rows, cols, 'quantizeDynamic');
      return new QuantizedWeight('int8', [rows, cols], values, scales);
    }
    return new QuantizedWeight('float16', [rows, cols], toFloat16Array(data), null);
  }

  /** Bytes of the compressed weight (values and scales), as stored in a file. */
  get byteLength(): number {
    return this.values.byteLength + (this.scales?.byteLength ?? 0);
  }

  /** W as float32 on the host. */
  dequantizeArray(): Float32Array<ArrayBuffer> {
    return this.scales
      ? dequantizeInt8Rows(this.values as Int8Array, this.scales, this.shape[1])
      : fromFloat16Array(this.values as Uint16Array);
  }

  /** W as a float32 tensor on `backend` (default: the active one), dequantised by its kernel where it has one. */
  dequantize(backend: BackendV1 = getBackend()): Tensor {
    const kernels = backend.quantized;
    const kernel = this.dtype === 'int8' ? kernels?.dequantizeInt8 : kernels?.dequantizeFloat16;
    if (!kernel) return fromTypedArray(this.dequantizeArray(), this.shape, { backend });
    const device = this.device(backend);
    const out = empty(this.shape, 'float32', backend);
    if (device.scales) kernels!.dequantizeInt8!(kernelView(device.words), kernelView(device.scales), kernelView(out));
    else kernels!.dequantizeFloat16!(kernelView(device.words), kernelView(out));
    return out;
  }

  /** The packed words [N, ⌈K/4⌉] (int8) or [N, ⌈K/2⌉] (float16) and the scales [N], on `backend`. */
  device(backend: BackendV1): DeviceCopy {
    let copy = this.#devices.get(backend);
    if (!copy) {
      const [rows, cols] = this.shape;
      const words =
        this.dtype === 'int8'
          ? fromTypedArray(packInt8Words(this.values as Int8Array, rows, cols), [rows, int8Words(cols)], { backend })
          : fromTypedArray(packFloat16Words(this.values as Uint16Array, rows, cols), [rows, float16Words(cols)], { backend });
      const scales = this.scales ? fromTypedArray(this.scales, [rows], { backend }) : null;
      keep(words);
      if (scales) keep(scales);
      copy = { words, scales };
      this.#devices.set(backend, copy);
    }
    return copy;
  }

  /**
   * x [..., K] · Wᵀ (+ bias [N]) → [..., N], float32, without gradients: the backend's quantised
   * kernel where it has one, else W dequantised for this call and the float32 linear.
   */
  linear(x: Tensor, bias: Tensor | null): Tensor {
    const [rows, cols] = this.shape;
    const backend = backendOf('quantized linear', x);
    const kernels = backend.quantized;
    const kernel = this.dtype === 'int8' ? kernels?.int8Linear : kernels?.float16Linear;
    return scope(() => {
      if (!kernel) {
        const weight = this.dequantize(backend);
        return linear(x.detach(), weight, bias);
      }
      const device = this.device(backend);
      const batch = x.size / cols;
      const flat = x.reshape([batch, cols]).contiguous();
      // A fresh output: the bias is copied in (never aliased: a [1, N] expand is already "contiguous").
      const out = empty([batch, rows], 'float32', backend);
      if (bias) backend.copy(kernelView(bias.expand([batch, rows])), kernelView(out));
      if (device.scales)
        kernels!.int8Linear!(kernelView(flat), kernelView(device.words), kernelView(device.scales), kernelView(out), bias !== null);
      else kernels!.float16Linear!(kernelView(flat), kernelView(device.words), kernelView(out), bias !== null);
      return out.reshape([...x.shape.slice(0, -1), rows]);
    });
  }

  /** Free the device copies (the host copy stays, so a later call uploads again). */
  dispose(): void {
    for (const copy of this.#devices.values()) {
      copy.words.dispose();
      copy.scales?.dispose();
    }
    this.#devices.clear();
  }
}
