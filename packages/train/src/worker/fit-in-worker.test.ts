// fitInWorker against fit in this thread: the same task (test-task.ts) in a worker_threads Worker
// gives the same weights bit for bit on the CPU; progress arrives while it runs, abort stops it,
// a resumed run equals an uninterrupted one, and errors come back as their own classes.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ValueError, serializeSafetensors } from '@recur/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../fit/fit.js';
import { NonFiniteError } from '../fit/non-finite.js';
import type { ProgressEvent } from '../fit/progress.js';
import { fitInWorker } from './fit-in-worker.js';
import { task, type TaskParams } from './test-task.js';
import { WorkerError } from './wire-error.js';

/** A worker running test-task.ts from source: tsx (the workspace root's) compiles it, the CPU backend is registered first. */
function sourceWorker(entry: string, data: object): Worker {
  const tsx = 'tsx';
  const api = createRequire(import.meta.url)
    .resolve(`${tsx}/esm/api`)
    .replace(/index\.cjs$/, 'index.mjs');
  const setup = new URL('../../../tensor/src/test-support/setup.ts', import.meta.url).href;
  const code = `(async () => {
    const { register } = await import(${JSON.stringify(pathToFileURL(api).href)});
    register();
    const { useCpu } = await import(${JSON.stringify(setup)});
    await useCpu();
    await import(${JSON.stringify(entry)});
  })();`;
  return new Worker(code, { eval: true, execArgv: ['--conditions=@recur/source'], workerData: data });
}

async function inThread(params: TaskParams): Promise<{ weights: Uint8Array; history: unknown; steps: number }> {
  const { model, epochs, ...options } = task(params, { signal: new AbortController().signal, post: () => {} });
  const result = await fit(model, { ...options, epochs: epochs! });
  return { weights: await serializeSafetensors(model.stateDict()), history: result.history, steps: result.steps };
}

let worker: Worker;
beforeAll(() => {
  worker = sourceWorker(new URL('./test-task.ts', import.meta.url).href, { serveFit: true });
});
afterAll(async () => {
  await worker.terminate();
});

describe('fitInWorker (worker_threads)', () => {
  it('equals fit in this thread bit for bit, with progress and messages on the way', async () => {
    const events: ProgressEvent[] = [];
    const messages: unknown[] = [];
    const result = await fitInWorker(worker, {
      params: { seed: 3, epochs: 3 },
      onProgress: (e) => events.push(e),
      onMessage: (m) => messages.push(m),
    });
    const reference = await inThread({ seed: 3, epochs: 3 });
    expect(result.weights).toEqual(reference.weights);
    expect(result.history).toEqual(reference.history);
    expect(result.steps).toBe(12);
    expect(events.filter((e) => e.type === 'batch')).toHaveLength(12);
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(events.at(-1)).toEqual({ type: 'end', epochs: 3, steps: 12 });
    expect(messages).toEqual([{ epoch: 0 }, { epoch: 1 }, { epoch: 2 }]);
  }, 120_000);

  it('stops when the signal aborts (progress arrives while the worker runs), and the worker serves the next run', async () => {
    const controller = new AbortController();
    const batches: number[] = [];
    const run = fitInWorker(worker, {
      params: { seed: 1, epochs: 5000 },
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type !== 'batch') return;
        batches.push(e.step);
        // Aborted on the first event: were events held back to the end, 20,000 steps would run first.
        controller.abort();
      },
    });
    // The worker's own account of the run, read off the wire: its fit stopped with an AbortError.
    const stopped = new Promise<{ steps: number; error?: string }>((resolve) => {
      const listen = (message: { type?: string; event?: { type: string; steps: number; error?: string } }): void => {
        if (message.type !== 'progress' || message.event?.type !== 'end') return;
        worker.off('message', listen);
        resolve(message.event);
      };
      worker.on('message', listen);
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(batches.length).toBeGreaterThan(0);
    const end = await stopped;
    expect(end.error).toMatch(/AbortError/);
    expect(end.steps).toBeLessThan(1000);
    const next = await fitInWorker(worker, { params: { seed: 2, epochs: 1 } });
    expect(next.steps).toBe(4);
  }, 120_000);

  it('resumes from its last checkpoint to the same weights as an uninterrupted run; keeps the best', async () => {
    const saved: string[] = [];
    const first = await fitInWorker(worker, {
      params: { seed: 5 },
      epochs: 2,
      checkpoint: { last: true, best: true, onSave: (which) => void saved.push(which) },
    });
    expect(saved.filter((w) => w === 'last')).toHaveLength(2);
    expect(first.best).toBeInstanceOf(Uint8Array);
    const resumed = await fitInWorker(worker, { params: { seed: 5 }, epochs: 4, checkpoint: { last: true, resume: first.last! } });
    const whole = await fitInWorker(worker, { params: { seed: 5 }, epochs: 4 });
    expect(resumed.weights).toEqual(whole.weights);
    expect(resumed.history).toEqual(whole.history);
    expect(resumed.steps).toBe(16);
  }, 120_000);

  it('stops early on the page’s earlyStopping options', async () => {
    // minDelta 1e9: no epoch improves on the first, so patience 1 stops after epoch 1.
    const result = await fitInWorker(worker, { params: { seed: 4 }, epochs: 10, earlyStopping: { patience: 1, minDelta: 1e9 } });
    expect(result.history).toHaveLength(2);
    expect(result.stopReason).toMatch(/earlyStopping/);
  }, 120_000);

  it('gives errors back as their own classes', async () => {
    const setup = fitInWorker(worker, { params: { seed: 1, failSetup: true } });
    await expect(setup).rejects.toBeInstanceOf(ValueError);
    await expect(setup).rejects.toThrow('task: no data for this run');
    const nan = fitInWorker(worker, { params: { seed: 1, lr: 1e30 }, terminateOnNonFinite: true });
    await expect(nan).rejects.toBeInstanceOf(NonFiniteError);
    const error = (await nan.catch((e: unknown) => e)) as NonFiniteError;
    expect(error.step).toBeGreaterThan(0);
    expect(error.tensor).toMatch(/loss|gradient/);
    const options = fitInWorker(worker, { params: { seed: 1 }, earlyStopping: { patience: -1 } });
    await expect(options).rejects.toBeInstanceOf(ValueError);
    await expect(options).rejects.toThrow(/earlyStopping: 'patience'/);
    // Any other class crosses too: a TypeError from the task's code stays a TypeError.
    await expect(fitInWorker(worker, {})).rejects.toBeInstanceOf(TypeError);
    await expect(fitInWorker(worker, { params: { f: () => 1 } })).rejects.toThrow(/structured-cloneable/);
  }, 120_000);

  it('starts a worker from a script URL for the run', async () => {
    // A stand-in script that answers the protocol by hand (plain JS: a URL worker runs no TypeScript).
    const script = `import { parentPort } from 'node:worker_threads';
      parentPort.on('message', (m) => {
        if (m.type !== 'fit') return;
        parentPort.postMessage({ recurFit: 1, id: m.id, type: 'progress', event: { type: 'end', epochs: 0, steps: 0 } });
        parentPort.postMessage({ recurFit: 1, id: m.id, type: 'done', result: { history: [], steps: 0, weights: new Uint8Array([m.params.seed]) } });
      });`;
    const events: ProgressEvent[] = [];
    const result = await fitInWorker(new URL(`data:text/javascript,${encodeURIComponent(script)}`), {
      params: { seed: 7 },
      onProgress: (e) => events.push(e),
    });
    expect(Array.from(result.weights)).toEqual([7]);
    expect(events).toEqual([{ type: 'end', epochs: 0, steps: 0 }]);
  }, 30_000);

  it('rejects with a WorkerError when the worker itself fails', async () => {
    const broken = new Worker('throw new Error("the script is broken")', { eval: true });
    await expect(fitInWorker(broken, {})).rejects.toBeInstanceOf(WorkerError);
    await broken.terminate();
  }, 30_000);
});
