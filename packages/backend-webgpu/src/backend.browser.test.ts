// The backend in a real browser (chromium, navigator.gpu): a cross-section of the shared
// conformance suite (every kernel family; the whole suite runs in Node), the fused cells against
// the CPU backend, and a device lost while a read is in flight (safe here, unlike in Dawn/Node).

import { BackendError, contiguousStrides, sizeOf, type BackendBuffer, type BackendV1, type View } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { describeBackendConformance } from '@recur/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { createWebGPUBackend } from './backend.js';

/** Conformance tests run here, as "<describe> <test>"; the others are skipped. */
const BROWSER_SUBSET = new RegExp(
  [
    '^memory ',
    '^unary (exp|sin|sigmoid) float32$',
    '^binary (add|maximum) float32$',
    '^where where bool$',
    '^cast cast float32→int32$',
    '^fill fill bool$',
    '^reduce (sum|argmax) float32$',
    '^matmul matmul transposeA=true transposeB=false accumulate=true$',
    '^gather gather float32$',
    '^scatterAdd scatterAdd float32',
    '^random random (normal|bits)$',
    '^contract errors ',
    '^browser ',
  ].join('|'),
);

beforeEach((context) => {
  if (!BROWSER_SUBSET.test(`${context.task.suite?.name ?? ''} ${context.task.name}`)) context.skip();
});

describeBackendConformance('webgpu in the browser', () => createWebGPUBackend());

function filled(backend: BackendV1, shape: number[], values: Float32Array<ArrayBuffer>): View {
  const buffer = backend.alloc(values.length, 'float32');
  backend.write(buffer, values);
  return { buffer, dtype: 'float32', shape, strides: contiguousStrides(shape), offset: 0 };
}

/** Both backends through the plain interface (their buffer types differ). */
const plain = <B extends BackendBuffer>(backend: BackendV1<B>): BackendV1 => backend as unknown as BackendV1;

describe('browser', () => {
  it('creates the backend from navigator.gpu', async () => {
    expect(navigator.gpu).toBeDefined();
    const backend = await createWebGPUBackend();
    expect(backend.name).toBe('webgpu');
    backend.dispose();
  });

  it('fused LSTM and GRU cells match the CPU backend', async () => {
    const gpu = plain(await createWebGPUBackend());
    const cpu = plain(createCpuBackend());
    const [B, H] = [3, 5];
    const random = (n: number): Float32Array<ArrayBuffer> => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3);
    const inputs = { gates: random(B * 4 * H), c: random(B * H), gx: random(B * 3 * H), gh: random(B * 3 * H).reverse() };
    const results = [];
    for (const backend of [gpu, cpu]) {
      const out = (cols: number): View => filled(backend, [B, cols], new Float32Array(B * cols));
      const [h, cNext, act, hNext, gruAct] = [out(H), out(H), out(4 * H), out(H), out(3 * H)];
      backend.fused!.lstmCell!(filled(backend, [B, 4 * H], inputs.gates), filled(backend, [B, H], inputs.c), h, cNext, act);
      backend.fused!.gruCell!(filled(backend, [B, 3 * H], inputs.gx), filled(backend, [B, 3 * H], inputs.gh), cNext, hNext, gruAct);
      results.push(await Promise.all([h, cNext, act, hNext, gruAct].map((view) => backend.read(view.buffer))));
    }
    const [fromGpu, fromCpu] = results as [Float32Array[], Float32Array[]];
    expect(fromGpu.length).toBe(5);
    fromGpu.forEach((values, k) =>
      values.forEach((v, i) => expect(Math.abs(v - fromCpu[k]![i]!)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(fromCpu[k]![i]!))),
    );
    gpu.dispose!();
  });

  it('a read in flight when the device is lost rejects with BackendError', async () => {
    const gpu = await createWebGPUBackend();
    const backend = plain(gpu);
    const shape = [256, 256];
    const x = filled(backend, shape, new Float32Array(sizeOf(shape)).fill(1));
    const y = filled(backend, shape, new Float32Array(sizeOf(shape)));
    backend.matmul(x, x, y);
    const read = backend.read(y.buffer);
    gpu.device.destroy();
    const outcome = await read.then(
      () => 'resolved',
      (error: unknown) => (error instanceof BackendError ? 'BackendError' : String(error)),
    );
    // The read may win the race; either way it settles, and the next call reports the loss.
    expect(['resolved', 'BackendError']).toContain(outcome);
    await gpu.device.lost;
    await expect(backend.read(y.buffer)).rejects.toThrow(/device was lost/);
  });
});
