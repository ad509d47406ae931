// Memory of the CPU backend: allocation, host transfers, counting, and the typed errors for
// freed, foreign and out-of-range buffers.

import { describe, expect, it } from 'vitest';
import { BackendError, DTypeError, IndexError, ValueError } from '@recur/backend';
import { cpu, createCpuBackend } from './index.js';

describe('cpu memory', () => {
  it('allocates zero-filled typed arrays of each dtype, size 0 included', () => {
    const backend = createCpuBackend();
    const float = backend.alloc(3, 'float32');
    const int = backend.alloc(2, 'int32');
    const bool = backend.alloc(4, 'bool');
    const empty = backend.alloc(0, 'float32');
    expect(float.data).toBeInstanceOf(Float32Array);
    expect(int.data).toBeInstanceOf(Int32Array);
    expect(bool.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(float.data)).toEqual([0, 0, 0]);
    expect(Array.from(bool.data)).toEqual([0, 0, 0, 0]);
    expect([float.backend, float.size, float.dtype, empty.size]).toEqual(['cpu', 3, 'float32', 0]);
    expect(() => backend.alloc(-1, 'float32')).toThrow(ValueError);
    expect(() => backend.alloc(1.5, 'int32')).toThrow(ValueError);
  });

  it('writes at an offset and reads copies, async and sync', async () => {
    const backend = createCpuBackend();
    const buffer = backend.alloc(5, 'int32');
    backend.write(buffer, new Int32Array([7, 8]), 2);
    const all = await backend.read(buffer);
    expect(Array.from(all)).toEqual([0, 0, 7, 8, 0]);
    expect(Array.from(backend.readSync!(buffer, 2, 2))).toEqual([7, 8]);
    expect(Array.from(await backend.read(buffer, 3))).toEqual([8, 0]);
    all[2] = 99;
    expect(backend.readSync!(buffer)[2]).toBe(7);
    backend.flush();
  });

  it('rejects mismatched data and out-of-range transfers', async () => {
    const backend = createCpuBackend();
    const buffer = backend.alloc(4, 'float32');
    expect(() => backend.write(buffer, new Int32Array(2))).toThrow(new DTypeError('write: data is int32, buffer is float32'));
    expect(() => backend.write(buffer, new Float32Array(3), 2)).toThrow(IndexError);
    expect(() => backend.readSync!(buffer, 3, 2)).toThrow(IndexError);
    await expect(backend.read(buffer, 5)).rejects.toThrow(IndexError);
  });

  it('counts live buffers and bytes, up and back down', () => {
    const backend = createCpuBackend();
    expect(backend.memory()).toEqual({ numBuffers: 0, numBytes: 0 });
    const a = backend.alloc(10, 'float32');
    const b = backend.alloc(3, 'bool');
    const c = backend.alloc(0, 'int32');
    expect(backend.memory()).toEqual({ numBuffers: 3, numBytes: 43 });
    backend.free(a);
    expect(backend.memory()).toEqual({ numBuffers: 2, numBytes: 3 });
    backend.free(b);
    backend.free(c);
    expect(backend.memory()).toEqual({ numBuffers: 0, numBytes: 0 });
    expect(createCpuBackend().memory().numBuffers).toBe(0);
  });

  it('throws BackendError naming the op on double free and use after free', async () => {
    const backend = createCpuBackend();
    const buffer = backend.alloc(2, 'float32');
    backend.free(buffer);
    expect(() => backend.free(buffer)).toThrow(new BackendError('free: buffer was freed'));
    expect(() => backend.write(buffer, new Float32Array(1))).toThrow(new BackendError('write: buffer was freed'));
    expect(() => backend.readSync!(buffer)).toThrow(new BackendError('read: buffer was freed'));
    await expect(backend.read(buffer)).rejects.toThrow(BackendError);
    expect(() => buffer.data).toThrow(BackendError);
    const view = { buffer, dtype: 'float32' as const, shape: [2], strides: [1], offset: 0 };
    expect(() => backend.fill(view, 1)).toThrow(new BackendError('fill: buffer was freed'));
  });

  it('refuses buffers of another backend instance', () => {
    const mine = createCpuBackend();
    const theirs = createCpuBackend();
    const buffer = theirs.alloc(2, 'float32');
    expect(() => mine.free(buffer)).toThrow(BackendError);
    expect(() => mine.readSync!(buffer)).toThrow(/does not belong to this cpu backend/);
  });

  it('dispose frees everything and leaves the backend unusable', () => {
    const backend = createCpuBackend();
    const buffer = backend.alloc(8, 'float32');
    backend.dispose!();
    expect(backend.memory()).toEqual({ numBuffers: 0, numBytes: 0 });
    expect(() => buffer.data).toThrow(BackendError);
    expect(() => backend.alloc(1, 'float32')).toThrow(new BackendError('alloc: the cpu backend was disposed'));
  });

  it('cpu() is a plugin whose factory makes independent backends', () => {
    const plugin = cpu();
    expect([plugin.name, plugin.priority]).toEqual(['cpu', 0]);
    const first = plugin.create();
    const second = plugin.create();
    expect(first).not.toBe(second);
    expect(first).toMatchObject({ specificationVersion: 'v1', name: 'cpu' });
  });
});
