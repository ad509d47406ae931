// Regression tests for tfjs engine behaviour the bridge works around, each compared with the CPU
// reference backend: wasm's BatchMatMul reusing a cached operator when the same data is read as a
// matrix of another shape, and wasm's Select misreading bool operands.

import { contiguousStrides, type BackendBuffer, type BackendV1, type DType, type View } from '@recur/backend';
import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend } from './backend.js';
import type { TfjsBackendName } from './engine.js';

const plain = <B extends BackendBuffer>(backend: BackendV1<B>): BackendV1 => backend as unknown as BackendV1;

function view(buffer: BackendBuffer, shape: number[], dtype: DType = 'float32'): View {
  return { buffer, dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}

/** Runs `steps` on both backends and returns what each read back from the buffer it returns. */
async function onBoth(engine: TfjsBackendName, steps: (backend: BackendV1) => BackendBuffer): Promise<[number[], number[]]> {
  const tfjs = plain(await createTfjsBackend({ backend: engine }));
  const cpu = plain(createCpuBackend());
  const results = await Promise.all([tfjs, cpu].map(async (backend) => Array.from(await backend.read(steps(backend)))));
  tfjs.dispose!();
  return results as [number[], number[]];
}

describe.each(['wasm', 'cpu'] as const)('tfjs %s engine quirks', (engine) => {
  it('matmul reads one buffer as [7,1] and then as [1,7] (an outer product)', async () => {
    const [fromTfjs, fromCpu] = await onBoth(engine, (backend) => {
      const b = backend.alloc(7, 'float32');
      backend.write(b, Float32Array.from([1, 2, 3, 4, 5, 6, 7]));
      const a = backend.alloc(14, 'float32');
      backend.write(a, new Float32Array(14).fill(1));
      const inner = backend.alloc(2, 'float32');
      backend.matmul(view(a, [2, 7]), view(b, [7, 1]), view(inner, [2, 1]));
      const column = backend.alloc(2, 'float32');
      backend.write(column, Float32Array.from([1, 10]));
      const outer = backend.alloc(14, 'float32');
      backend.matmul(view(column, [2, 1]), view(b, [1, 7]), view(outer, [2, 7]));
      return outer;
    });
    expect(fromTfjs).toEqual([1, 2, 3, 4, 5, 6, 7, 10, 20, 30, 40, 50, 60, 70]);
    expect(fromTfjs).toEqual(fromCpu);
  });

  it('where selects between bool operands', async () => {
    const [fromTfjs, fromCpu] = await onBoth(engine, (backend) => {
      const [cond, a, b, out] = [0, 1, 2, 3].map(() => backend.alloc(4, 'bool'));
      backend.write(cond!, Uint8Array.from([1, 0, 1, 0]));
      backend.write(a!, Uint8Array.from([0, 1, 1, 0]));
      backend.write(b!, Uint8Array.from([1, 0, 0, 1]));
      backend.where(view(cond!, [4], 'bool'), view(a!, [4], 'bool'), view(b!, [4], 'bool'), view(out!, [4], 'bool'));
      return out!;
    });
    expect(fromTfjs).toEqual([0, 0, 1, 1]);
    expect(fromTfjs).toEqual(fromCpu);
  });
});
