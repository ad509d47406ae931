// Conformance of the memory half of BackendV1: zero-filled alloc (size 0 included), write/read
// round trips at offsets, partial reads, readSync agreeing with read, memory() accounting, and
// double free being an error.

import { BYTES_PER_ELEMENT, DTYPES, typedArrayFor } from '@recur/backend';
import type { BackendBuffer, DType } from '@recur/backend';
import { describe, expect } from 'vitest';
import { anyValue } from './generators.js';
import { kernelTest, type Harness } from './harness.js';

const ARRAY_TYPES: Record<DType, new (size: number) => ArrayBufferView> = {
  float32: Float32Array,
  int32: Int32Array,
  bool: Uint8Array,
};

export function describeMemory(harness: Harness): void {
  describe('memory', () => {
    kernelTest(harness, 'implements specification v1', (session) => {
      expect(session.backend.specificationVersion).toBe('v1');
      expect(typeof session.backend.name, 'name').toBe('string');
      session.casesChecked++;
    });

    kernelTest(harness, "alloc is zero-filled and read returns the dtype's array", async (session) => {
      for (const dtype of DTYPES) {
        for (const size of [0, 1, 17, 65]) {
          const buffer = session.alloc(session.backend, size, dtype);
          expect([buffer.size, buffer.dtype], 'buffer size and dtype').toEqual([size, dtype]);
          const data = await session.backend.read(buffer);
          expect(data, `read of a fresh ${dtype} buffer`).toBeInstanceOf(ARRAY_TYPES[dtype]);
          expect(Array.from(data), `fresh ${dtype}[${size}]`).toEqual(new Array<number>(size).fill(0));
          session.casesChecked++;
        }
      }
    });

    kernelTest(harness, 'write and read round-trip at offsets', async (session) => {
      const { backend } = session;
      for (const dtype of DTYPES) {
        const whole = typedArrayFor(dtype, 40);
        for (let i = 0; i < whole.length; i++) whole[i] = anyValue(dtype)(session.rng);
        const buffer = session.alloc(backend, whole.length, dtype);
        backend.write(buffer, whole.subarray(0, 25));
        backend.write(buffer, whole.subarray(25), 25);
        expect(Array.from(await backend.read(buffer)), `${dtype} whole read`).toEqual(Array.from(whole));
        expect(Array.from(await backend.read(buffer, 7, 19)), `${dtype} read(7, 19)`).toEqual(Array.from(whole.subarray(7, 26)));
        expect(Array.from(await backend.read(buffer, 33)), `${dtype} read(33)`).toEqual(Array.from(whole.subarray(33)));
        expect((await backend.read(buffer, 40, 0)).length, `${dtype} empty read at the end`).toBe(0);
        if (backend.readSync) {
          expect(Array.from(backend.readSync(buffer, 5, 9)), `${dtype} readSync(5, 9)`).toEqual(Array.from(whole.subarray(5, 14)));
        }
        session.casesChecked++;
      }
    });

    kernelTest(harness, 'memory() counts every buffer until it is freed', (session) => {
      const { backend } = session;
      const before = backend.memory();
      const buffers: BackendBuffer[] = [];
      let bytes = 0;
      for (const dtype of DTYPES) {
        for (const size of [0, 3, 65]) {
          buffers.push(backend.alloc(size, dtype));
          bytes += size * BYTES_PER_ELEMENT[dtype];
        }
      }
      const during = backend.memory();
      expect(during.numBuffers, 'numBuffers after allocating').toBe(before.numBuffers + buffers.length);
      // Backends may pad buffers (GPU alignment), never under-count them.
      expect(during.numBytes, 'numBytes after allocating').toBeGreaterThanOrEqual(before.numBytes + bytes);
      for (const buffer of buffers) backend.free(buffer);
      expect(backend.memory(), 'memory() after freeing').toEqual(before);
      session.casesChecked++;
    });

    kernelTest(harness, 'freeing a buffer twice is an error', (session) => {
      const buffer = session.backend.alloc(4, 'float32');
      session.backend.free(buffer);
      expect(() => session.backend.free(buffer)).toThrow();
      session.casesChecked++;
    });
  });
}
