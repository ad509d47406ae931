// The `threads` option end to end: bad values throw ValueError, RECUR_CPU_THREADS stands in for
// it, `threads: 1` never starts a worker, a threaded backend's large matmuls (transposed, strided,
// accumulating, batched) equal a single-threaded backend's bitwise, and dispose ends its workers.
// M×K · K×N: A is M×K, B is K×N, out is M×N.

import { afterEach, describe, expect, it } from 'vitest';
import { ValueError, type MatmulOptions, mulberry32 } from '@recur/backend';
import { cpu, cpuThreads, createCpuBackend } from './backend.js';
import { makeView, type Backend, type CpuView } from './test-helpers.js';
import { ThreadPool, poolStats } from './thread-pool.js';
import { wasmSimdAvailable } from './wasm-runtime.js';

const threaded = wasmSimdAvailable() && ThreadPool.supported();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms for up to 30 s. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(poolStats())}`);
    await sleep(10);
  }
}

const savedEnv = process.env.RECUR_CPU_THREADS;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.RECUR_CPU_THREADS;
  else process.env.RECUR_CPU_THREADS = savedEnv;
});

/** The same view (layout and values) on another backend. */
function copyTo(from: Backend, to: Backend, view: CpuView): CpuView {
  const buffer = to.alloc(view.buffer.size, view.dtype);
  to.write(buffer, from.readSync!(view.buffer));
  return { ...view, buffer };
}

describe('threads option', () => {
  it('rejects anything but a positive integer, naming what it got', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createCpuBackend({ threads: bad })).toThrow(
        new ValueError(`createCpuBackend: threads must be a positive integer (1 = no worker threads), got ${bad}`),
      );
      expect(() => cpu({ threads: bad })).toThrow(ValueError);
    }
    expect(() => createCpuBackend({ threads: '2' as unknown as number })).toThrow(/got "2"/);
  });

  it('takes RECUR_CPU_THREADS when the option is unset', () => {
    process.env.RECUR_CPU_THREADS = 'many';
    expect(() => createCpuBackend()).toThrow(
      new ValueError('RECUR_CPU_THREADS must be a positive integer (1 = no worker threads), got "many"'),
    );
    expect(() => createCpuBackend({ threads: 1 })).not.toThrow();
    process.env.RECUR_CPU_THREADS = '1';
    expect(cpuThreads()).toBe(1);
    process.env.RECUR_CPU_THREADS = ' 3 ';
    expect(cpuThreads()).toBe(threaded ? 3 : 1);
    expect(cpuThreads({ threads: 2 })).toBe(threaded ? 2 : 1);
    expect(cpuThreads({ threads: 2, simd: false })).toBe(1);
    delete process.env.RECUR_CPU_THREADS;
    expect(cpuThreads()).toBeGreaterThanOrEqual(1);
    expect(cpuThreads()).toBeLessThanOrEqual(4);
  });
});

describe.skipIf(!threaded)('threaded backend', () => {
  it('threads: 1 never starts a worker', async () => {
    const before = poolStats().started;
    const backend = createCpuBackend({ threads: 1 });
    const random = mulberry32(21);
    const a = makeView(backend, random, 'float32', [256, 512], { contiguous: true });
    const b = makeView(backend, random, 'float32', [512, 512], { contiguous: true });
    const out = makeView(backend, random, 'float32', [256, 512], { contiguous: true });
    for (let k = 0; k < 3; k++) backend.matmul(a, b, out);
    await sleep(50);
    expect(poolStats().started).toBe(before);
    backend.dispose!();
  });

  it('equals a single-threaded backend bitwise on large transposed, strided, batched products', async () => {
    const one = createCpuBackend({ threads: 1 });
    const three = createCpuBackend({ threads: 3 });
    const random = mulberry32(22);
    const startedBefore = poolStats().started;
    // The first large product starts the workers and runs alone; wait until they are ready.
    const warm = [
      makeView(three, random, 'float32', [256, 256], { contiguous: true }),
      makeView(three, random, 'float32', [256, 256], { contiguous: true }),
    ];
    three.matmul(warm[0]!, warm[1]!, makeView(three, random, 'float32', [256, 256], { contiguous: true }));
    expect(poolStats().started).toBe(startedBefore + 2);
    await eventually(() => poolStats().ready >= 2, 'two workers are ready');
    const tasksBefore = poolStats().workerTasks;

    // Each product is at least THREAD_WORK multiply-adds, so it is split.
    const cases: { a: number[]; b: number[]; out: number[]; options: MatmulOptions; shareB?: boolean }[] = [
      { a: [64, 700], b: [700, 300], out: [64, 300], options: {} },
      { a: [300, 65], b: [300, 513], out: [65, 513], options: { transposeA: true, accumulate: true } },
      { a: [33, 512], b: [1030, 512], out: [33, 1030], options: { transposeB: true } },
      { a: [3, 40, 300], b: [3, 300, 700], out: [3, 40, 700], options: { accumulate: true }, shareB: true }, // folds into M
      { a: [2, 100, 320], b: [2, 320, 200], out: [2, 100, 200], options: {} }, // loops per batch
    ];
    const view = (shape: number[]) => makeView(three, random, 'float32', shape, { contiguous: true });
    for (const c of cases) {
      for (let trial = 0; trial < 2; trial++) {
        // Random strided layouts (permuted, stepped, padded), the same on both backends.
        const a = makeView(three, random, 'float32', c.a);
        let b = makeView(three, random, 'float32', c.b);
        if (c.shareB) b = { ...b, strides: b.strides.map((stride, d) => (d === 0 ? 0 : stride)) };
        const out = makeView(three, random, 'float32', c.out);
        const [a1, b1, out1] = [copyTo(three, one, a), copyTo(three, one, b), copyTo(three, one, out)];
        three.matmul(a, b, out, c.options);
        one.matmul(a1, b1, out1, c.options);
        const [x, y] = [three.readSync!(out.buffer) as Float32Array, one.readSync!(out1.buffer) as Float32Array];
        const differs = x.findIndex((value, i) => !Object.is(value, y[i]));
        expect(differs, `${JSON.stringify(c)}: element ${differs}`).toBe(-1);
      }
    }
    // The workers took part. A split is taken while splits pay (split-choice.ts; at first always)
    // and the calling thread claims tasks too, so on a machine busier than its cores a worker may
    // get no task in these products: run more (each checked) until one took a task, bounded by count.
    for (let run = 0; run < 500 && poolStats().workerTasks === tasksBefore; run++) {
      const [a, b, out] = [view([64, 700]), view([700, 300]), view([64, 300])];
      const [a1, b1, out1] = [copyTo(three, one, a), copyTo(three, one, b), copyTo(three, one, out)];
      three.matmul(a, b, out);
      one.matmul(a1, b1, out1);
      const [x, y] = [three.readSync!(out.buffer) as Float32Array, one.readSync!(out1.buffer) as Float32Array];
      expect(x.findIndex((value, i) => !Object.is(value, y[i]))).toBe(-1);
      for (const buffer of [a, b, out]) three.free(buffer.buffer);
      for (const buffer of [a1, b1, out1]) one.free(buffer.buffer);
    }
    expect(poolStats().workerTasks).toBeGreaterThan(tasksBefore);
    // Below THREAD_WORK (here 4 Mi multiply-adds) a product stays on the calling thread.
    const tasksAfter = poolStats().workerTasks;
    three.matmul(view([64, 256]), view([256, 256]), view([64, 256]));
    expect(poolStats().workerTasks).toBe(tasksAfter);
    one.dispose!();
    three.dispose!();
    await eventually(() => poolStats().live === 0, 'every worker has exited');
  });

  it('dispose ends workers that are still starting', async () => {
    const backend = createCpuBackend({ threads: 2 });
    const random = mulberry32(23);
    const view = (shape: number[]) => makeView(backend, random, 'float32', shape, { contiguous: true });
    backend.matmul(view([256, 256]), view([256, 256]), view([256, 256]));
    expect(poolStats().live).toBeGreaterThan(0);
    backend.dispose!();
    await eventually(() => poolStats().live === 0, 'every worker has exited');
  });
});
