// Unit tests of the WebGPU backend's own machinery on Node + SwiftShader: buffer pooling and
// zeroing, the bool storage layout, grid splitting and buffer limits, shared-buffer bindings,
// 0-size work, device loss and a missing adapter.

import { BackendError, contiguousStrides, sizeOf, type AdamStepParams, type BackendV1, type DType, type View } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebGPUBackend, webgpu, type WebGPUBackend } from './backend.js';
import { BufferUsage, MapMode } from './gpu-flags.js';
import type { WebGPUBuffer } from './memory.js';
import { createTestBackend, describeGpu } from './node-gpu-test-support.js';

type GpuView = View<WebGPUBuffer>;

function tensor(backend: WebGPUBackend, dtype: DType, shape: number[], values?: ArrayLike<number>): GpuView {
  const buffer = backend.alloc(sizeOf(shape), dtype);
  if (values)
    backend.write(buffer, (dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array).from(values as number[]));
  return { buffer, dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}

const range = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

describeGpu('webgpu backend', () => {
  let backend: WebGPUBackend;
  beforeAll(async () => {
    backend = await createTestBackend();
  });
  afterAll(() => backend?.dispose());

  it('is a plugin named webgpu that ranks above cpu', () => {
    const plugin = webgpu();
    expect([plugin.name, (plugin.priority ?? 0) > 0]).toEqual(['webgpu', true]);
  });

  it('reuses freed GPU buffers by size bucket and zeroes them before reuse', async () => {
    const first = backend.alloc(100, 'float32');
    backend.write(first, new Float32Array(100).fill(7));
    const before = backend.stats().storage;
    backend.free(first);
    expect(backend.stats().storage.pooledBuffers).toBe(before.pooledBuffers + 1);
    // 100 and 120 floats share the 512-byte bucket: no new GPUBuffer.
    const second = backend.alloc(120, 'float32');
    expect(backend.stats().storage.buffers).toBe(before.buffers);
    expect(Array.from(await backend.read(second))).toEqual(new Array(120).fill(0));
    expect(backend.memory()).toMatchObject({ numBytes: expect.any(Number) });
    backend.free(second);
  });

  it('zeroes a recycled buffer around a partial write', async () => {
    const dirty = backend.alloc(8, 'int32');
    backend.write(dirty, Int32Array.from(range(8, (i) => i + 1)));
    backend.free(dirty);
    const again = backend.alloc(8, 'int32');
    backend.write(again, Int32Array.from([5, 6]), 3);
    expect(Array.from(await backend.read(again))).toEqual([0, 0, 0, 5, 6, 0, 0, 0]);
    backend.free(again);
  });

  it('orders host writes after unsubmitted kernels that use the same recycled GPU buffer', async () => {
    for (const size of [4, 20000]) {
      const x = tensor(backend, 'float32', [size], range(size));
      const y = tensor(backend, 'float32', [size]);
      backend.unary('neg', x, y);
      backend.free(y.buffer);
      // The pool hands y's GPUBuffer out again while the neg kernel that writes it is unsubmitted.
      const z = backend.alloc(size, 'float32');
      const submits = backend.stats().submits;
      backend.write(z, new Float32Array(size).fill(9));
      // Small writes wait in the upload arena; large ones (over 64 KiB) submit first.
      expect(backend.stats().submits - submits).toBe(size === 4 ? 0 : 1);
      expect(Array.from(await backend.read(z)).every((v) => v === 9)).toBe(true);
      backend.free(x.buffer);
      backend.free(z);
    }
  });

  it('zeroes a recycled buffer that a kernel reads and overwrites in place', async () => {
    const dirty = tensor(backend, 'float32', [6], [5, 5, 5, 5, 5, 5]);
    backend.free(dirty.buffer);
    const fresh = tensor(backend, 'float32', [6]);
    backend.unary('exp', fresh, fresh);
    expect(Array.from(await backend.read(fresh.buffer))).toEqual([1, 1, 1, 1, 1, 1]);
    backend.free(fresh.buffer);
  });

  it('counts logical buffers and their GPU bytes (4 per element, bool included)', () => {
    const before = backend.memory();
    const a = backend.alloc(10, 'bool');
    const b = backend.alloc(0, 'float32');
    expect(backend.memory()).toEqual({ numBuffers: before.numBuffers + 2, numBytes: before.numBytes + 40 });
    backend.free(a);
    backend.free(b);
    expect(backend.memory()).toEqual(before);
  });

  it('stores bool as one u32 word (0 or 1) per element and reads it back as a Uint8Array', async () => {
    const flags = tensor(backend, 'bool', [5], [1, 0, 1, 1, 0]);
    const out = tensor(backend, 'bool', [5]);
    backend.unary('logicalNot', flags, out);
    const read = await backend.read(out.buffer);
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Array.from(read)).toEqual([0, 1, 0, 0, 1]);
    // Look at the raw GPU words: copy the storage buffer out and map it.
    backend.flush();
    const gpu = (out.buffer as unknown as { gpu: GPUBuffer }).gpu;
    const staging = backend.device.createBuffer({ size: 20, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    const encoder = backend.device.createCommandEncoder();
    encoder.copyBufferToBuffer(gpu, 0, staging, 0, 20);
    backend.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MapMode.READ);
    expect(Array.from(new Uint32Array(staging.getMappedRange()))).toEqual([0, 1, 0, 0, 1]);
    staging.unmap();
    staging.destroy();
    backend.free(flags.buffer);
    backend.free(out.buffer);
  });

  it('records nothing for kernels on 0 elements, and 0-size buffers read as empty', async () => {
    const empty = tensor(backend, 'float32', [3, 0]);
    const sums = tensor(backend, 'float32', [3, 1]);
    const dispatches = backend.stats().dispatches;
    backend.unary('exp', empty, empty);
    backend.fill(empty, 1);
    expect(backend.stats().dispatches).toBe(dispatches);
    // Reducing an empty axis still writes the identity.
    backend.reduce('sum', empty, [1], sums);
    expect(Array.from(await backend.read(sums.buffer))).toEqual([0, 0, 0]);
    expect((await backend.read(empty.buffer)).length).toBe(0);
    backend.free(empty.buffer);
    backend.free(sums.buffer);
  });

  it('binds operands that share one buffer once (column views, x·xᵀ)', async () => {
    const x = tensor(backend, 'float32', [2, 3], [1, 2, 3, 4, 5, 6]);
    const gram = tensor(backend, 'float32', [2, 2]);
    backend.matmul(x, x, gram, { transposeB: true });
    expect(Array.from(await backend.read(gram.buffer))).toEqual([14, 32, 32, 77]);
    // Copy the left column of a [2, 4] buffer into its right column: in and out in one buffer.
    const both = tensor(backend, 'float32', [2, 4], [1, 2, 0, 0, 3, 4, 0, 0]);
    const left: GpuView = { ...both, shape: [2, 2], strides: [4, 1], offset: 0 };
    backend.copy(left, { ...left, offset: 2 });
    expect(Array.from(await backend.read(both.buffer))).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    for (const view of [x, gram, both]) backend.free(view.buffer);
  });
});

describeGpu('webgpu adamStep', () => {
  const FLAGS: Partial<AdamStepParams>[] = [
    {},
    { weightDecay: 0.1 },
    { weightDecay: 0.1, decoupled: true, maximize: true },
    { amsgrad: true, step: 7 },
  ];
  it.each(FLAGS)('matches the CPU backend on strided views: %o', async (flags) => {
    const params: AdamStepParams = {
      lr: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
      step: 3,
      decoupled: false,
      amsgrad: false,
      maximize: false,
      ...flags,
    };
    const gpu = await createTestBackend();
    const cpu = createCpuBackend();
    const results: Float32Array[][] = [];
    for (const backend of [gpu, cpu] as BackendV1[]) {
      // Each operand is a [5, 3] transposed view of a [3, 5] buffer.
      const operand = (seed: number, positive = false): View => {
        const buffer = backend.alloc(15, 'float32');
        backend.write(
          buffer,
          Float32Array.from(range(15, (i) => Math.sin(seed * 7 + i * 1.3) * (positive ? 0 : 1) + (positive ? 0.01 * (i + 1) : 0))),
        );
        return { buffer, dtype: 'float32', shape: [5, 3], strides: [1, 5], offset: 0 };
      };
      const [p, g, m, v, vmax] = [operand(1), operand(2), operand(3), operand(4, true), operand(5, true)];
      backend.fused!.adamStep!(p, g, m, v, params.amsgrad ? vmax : null, params);
      results.push((await Promise.all([p, m, v, vmax].map((view) => backend.read(view.buffer)))) as Float32Array[]);
    }
    const [fromGpu, fromCpu] = results as [Float32Array[], Float32Array[]];
    fromGpu.forEach((values, k) =>
      values.forEach((value, i) => expect(Math.abs(value - fromCpu[k]![i]!)).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(fromCpu[k]![i]!))),
    );
    gpu.dispose();
  });
});

describeGpu('webgpu backend limits', () => {
  it('splits dispatches beyond maxComputeWorkgroupsPerDimension into 2-D grids and several dispatches', async () => {
    const small = await createTestBackend({ limits: { maxComputeWorkgroupsPerDimension: 3 } });
    try {
      // 20000 elements are 5000 runs of 4, 79 workgroups of 64: dispatches of at most 3×3 workgroups.
      const x = tensor(small, 'float32', [20000], range(20000));
      const y = tensor(small, 'float32', [20000]);
      const before = small.stats().dispatches;
      small.unary('neg', x, y);
      expect(small.stats().dispatches - before).toBe(Math.ceil(79 / 9));
      expect(Array.from(await small.read(y.buffer))).toEqual(range(20000, (i) => -i));
      // One workgroup per output row (long reductions) and per 64 matmul blocks go through the same split.
      const rows = tensor(
        small,
        'float32',
        [40, 100],
        range(4000, (i) => i % 100),
      );
      const sums = tensor(small, 'float32', [40, 1]);
      small.reduce('sum', rows, [1], sums);
      expect(Array.from(await small.read(sums.buffer))).toEqual(new Array(40).fill(4950));
      // 25×33 blocks of 8×8 are 13 workgroups.
      const a = tensor(
        small,
        'float32',
        [200, 2],
        range(400, () => 1),
      );
      const b = tensor(
        small,
        'float32',
        [2, 260],
        range(520, () => 1),
      );
      const c = tensor(small, 'float32', [200, 260]);
      small.matmul(a, b, c);
      expect(Array.from(await small.read(c.buffer)).every((v) => v === 2)).toBe(true);
    } finally {
      small.dispose();
    }
  });

  it('refuses buffers beyond maxStorageBufferBindingSize with a BackendError', async () => {
    const small = await createTestBackend({ limits: { maxStorageBufferBindingSize: 1024 } });
    try {
      expect(() => small.alloc(257, 'float32')).toThrow(BackendError);
      expect(() => small.alloc(257, 'float32')).toThrow(/1028 bytes.*limit of 1024/);
      const largest = small.alloc(256, 'float32');
      small.write(largest, new Float32Array(256).fill(2));
      expect((await small.read(largest))[255]).toBe(2);
    } finally {
      small.dispose();
    }
  });

  it('turns a lost device into a BackendError on the next call, reads included', async () => {
    const doomed = await createTestBackend();
    const x = tensor(doomed, 'float32', [4], [1, 2, 3, 4]);
    expect(Array.from(await doomed.read(x.buffer))).toEqual([1, 2, 3, 4]);
    // Destroy an idle device: Dawn in Node crashes when a device is destroyed with work in flight
    // (the in-flight case is covered by device-health.test.ts and the browser test).
    doomed.device.destroy();
    await doomed.device.lost;
    expect(() => doomed.alloc(4, 'float32')).toThrow(/device was lost/);
    expect(() => doomed.unary('neg', x, x)).toThrow(BackendError);
    await expect(doomed.read(x.buffer)).rejects.toThrow(/device was lost/);
    doomed.dispose();
    expect(() => doomed.alloc(1, 'float32')).toThrow(/disposed/);
  });

  it('uses a device it is given and leaves it alive on dispose', async () => {
    const owner = await createTestBackend();
    const guest = await createWebGPUBackend({ device: owner.device });
    const x = tensor(guest, 'int32', [3], [1, 2, 3]);
    expect(Array.from(await guest.read(x.buffer))).toEqual([1, 2, 3]);
    guest.dispose();
    const y = tensor(owner, 'int32', [2], [4, 5]);
    expect(Array.from(await owner.read(y.buffer))).toEqual([4, 5]);
    owner.dispose();
  });

  it('reports a missing adapter as a BackendError', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createWebGPUBackend({ gpu: noAdapter })).rejects.toThrow(BackendError);
    await expect(createWebGPUBackend({ gpu: noAdapter })).rejects.toThrow(/no GPU adapter/);
  });
});
