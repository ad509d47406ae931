// Whether the device can still take work: a lost device (`device.lost`), a disposed backend or
// an uncaptured WebGPU error turns the next backend call into a BackendError instead of a hang
// or silently wrong data. Pending reads race the loss so they reject rather than wait forever.

import { BackendError } from '@recur/backend';

export class DeviceHealth {
  #lost: GPUDeviceLostInfo | null = null;
  #error: string | null = null;
  #disposed = false;
  // Rejecters of the reads in flight; a settled read removes itself, so nothing accumulates.
  readonly #waiting = new Set<(error: BackendError) => void>();

  constructor(device: GPUDevice) {
    void device.lost.then((info) => {
      this.#lost = info;
      for (const reject of this.#waiting) reject(lostError('read', info));
      this.#waiting.clear();
    });
    const onError = (event: Event): void => {
      this.#error ??= (event as GPUUncapturedErrorEvent).error?.message ?? 'unknown error';
    };
    if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
    else device.onuncapturederror = onError;
  }

  markDisposed(): void {
    this.#disposed = true;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Throws BackendError when the backend cannot be used. An uncaptured WebGPU error is reported
   * once, by the first call after it arrived: later work may well be valid again.
   */
  check(op: string): void {
    if (this.#disposed) throw new BackendError(`${op}: the webgpu backend was disposed`);
    if (this.#lost) throw lostError(op, this.#lost);
    if (this.#error !== null) {
      const message = this.#error;
      this.#error = null;
      throw new BackendError(`${op}: an earlier WebGPU command failed: ${message}`);
    }
  }

  /**
   * `promise`, or a BackendError as soon as the device is lost or the promise rejects. On loss
   * `abort` runs first: it must settle the native operation (unmap a pending mapAsync), since
   * Dawn leaves it pending otherwise, which keeps Node's event loop alive forever.
   */
  async guard<T>(op: string, promise: Promise<T>, abort: () => void): Promise<T> {
    let reject: ((error: BackendError) => void) | undefined;
    const lost = new Promise<never>((_, rejectLost) => {
      reject = (error) => {
        try {
          abort();
        } finally {
          rejectLost(error);
        }
      };
      this.#waiting.add(reject);
    });
    try {
      return await Promise.race([promise, lost]);
    } catch (error) {
      if (error instanceof BackendError) throw error;
      if (this.#lost) throw lostError(op, this.#lost);
      throw new BackendError(`${op}: WebGPU failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.#waiting.delete(reject!);
    }
  }
}

function lostError(op: string, info: GPUDeviceLostInfo): BackendError {
  const why = info.message ? `${info.reason}: ${info.message}` : String(info.reason);
  return new BackendError(`${op}: the WebGPU device was lost (${why}); create a new backend`);
}
