// What a consumer does with the installed tarballs, run once through `import` (esm.mjs) and once
// through `require()` (cjs.cjs): train a small LSTM on the CPU, save and reload a checkpoint
// through the `/node` subpaths, read a CSV, run large matmuls on worker threads, meet the typed
// error of a corpus that is not installed, and reach the `webgpu` package. Throws on the first
// thing that is wrong.
'use strict';

const assert = require('node:assert/strict');
const { mkdtemp, rm } = require('node:fs/promises');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** `m` holds the modules as the caller loaded them: tensor, tensorNode, cpu, cells, optim, optimNode, datasets, datasetsNode, births, webgpu. */
module.exports = async function scenario(m, format) {
  const { registerBackend, useBackend, manualSeed, randn, scope, tensor } = m.tensor;
  registerBackend(m.cpu.cpu({ threads: 2 }));
  await useBackend('cpu');
  manualSeed(0);

  // Training: the loss must fall (the optimizer, the cells and the tensors share one autograd).
  const lstm = new m.cells.LSTM({ inputSize: 3, hiddenSize: 8 });
  const head = new m.cells.Linear({ inFeatures: 8, outFeatures: 1 });
  const params = [...lstm.parameters(), ...head.parameters()];
  const optimizer = new m.optim.Adam(params, { lr: 0.05 });
  const x = randn([5, 4, 3]);
  const y = randn([4, 1]);
  const losses = [];
  for (let step = 0; step < 30; step++) {
    optimizer.zeroGrad();
    const loss = scope(() => {
      const [output] = lstm.forward(x);
      const l = m.cells.mseLoss(head.forward(output.select(0, -1)), y);
      l.backward();
      return l;
    });
    m.optim.clipGradNorm(params, 1.0);
    optimizer.step();
    losses.push(loss.itemSync());
    loss.dispose();
  }
  assert.ok(losses.every(Number.isFinite), `${format}: non-finite loss ${losses}`);
  assert.ok(losses.at(-1) < losses[0] * 0.5, `${format}: the loss did not fall: ${losses[0]} -> ${losses.at(-1)}`);

  // Checkpoints through `/node`: its tensors must be the main entry's (one module instance).
  const dir = await mkdtemp(join(tmpdir(), 'recur-consumer-'));
  try {
    const path = join(dir, 'model.ckpt');
    await m.optimNode.saveCheckpoint(path, { model: lstm, optimizer, extra: { format } });
    const restored = new m.cells.LSTM({ inputSize: 3, hiddenSize: 8 });
    const restoredHead = new m.cells.Linear({ inFeatures: 8, outFeatures: 1 });
    const restoredOptimizer = new m.optim.Adam([...restored.parameters(), ...restoredHead.parameters()], { lr: 0.05 });
    const extra = await m.optimNode.loadCheckpoint(path, { model: restored, optimizer: restoredOptimizer });
    assert.deepEqual(extra, { format });
    const a = [...lstm.parameters()][0].toArraySync();
    const b = [...restored.parameters()][0].toArraySync();
    assert.deepEqual(b, a, `${format}: the reloaded weights differ`);
    await m.tensorNode.writeFileAtomic(join(dir, 'plain.txt'), 'ok');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // Datasets: the Node entry reads CSV; a corpus whose package is missing names it in a typed error.
  const rows = [];
  for await (const row of m.datasetsNode.readCsv({ text: 'a,b\n1,2\n3,4\n' })) rows.push(row);
  assert.deepEqual(rows, [
    { a: '1', b: '2' },
    { a: '3', b: '4' },
  ]);
  await assert.rejects(m.births.loadBirths(), (error) => {
    assert.ok(error instanceof m.births.CorpusNotInstalledError, `${format}: ${error}`);
    assert.match(error.message, /@stdlib\/datasets-cdc-nchs-us-births-1969-1988/);
    return true;
  });

  // Large products go to worker threads (the worker source is evaluated, whatever the format):
  // 24 products of 256³, so the adaptive split tries the threaded path; each checked against a
  // row computed here. The backend finds Worker on this module object when it spawns one.
  assert.equal(m.cpu.cpuThreads({ threads: 2 }), 2, `${format}: worker threads unavailable`);
  const threads = require('node:worker_threads');
  const workers = { spawned: 0, online: 0, errors: [] };
  const NodeWorker = threads.Worker;
  threads.Worker = class CountedWorker extends NodeWorker {
    constructor(...args) {
      super(...args);
      workers.spawned++;
      this.on('online', () => workers.online++);
      this.on('error', (error) => workers.errors.push(error));
    }
  };
  const n = 256;
  const av = Array.from({ length: n * n }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
  const bv = Array.from({ length: n * n }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
  const A = tensor(av).reshape([n, n]);
  const B = tensor(bv).reshape([n, n]);
  const expectedRow = Array.from({ length: n }, (_, j) => av.slice(0, n).reduce((s, a, k) => s + a * bv[k * n + j], 0));
  for (let round = 0; round < 24; round++) {
    const C = A.matmul(B);
    const row = C.select(0, 0).toArraySync();
    C.dispose();
    for (let j = 0; j < n; j++)
      assert.ok(Math.abs(row[j] - expectedRow[j]) < 1e-3, `${format}: matmul[0][${j}] = ${row[j]}, expected ${expectedRow[j]}`);
    // A worker comes online only while this thread yields to its event loop.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  threads.Worker = NodeWorker;
  assert.ok(workers.spawned >= 1 && workers.online >= 1, `${format}: no worker thread ran (${JSON.stringify(workers)})`);
  assert.deepEqual(workers.errors, [], `${format}: a worker thread failed`);
  // WebGPU in Node loads the ESM-only `webgpu` package on demand. consumer.ts puts a stand-in
  // there whose top-level await require() cannot load: only a real import() reaches its create().
  globalThis.recurStubGpuCreated = 0;
  await assert.rejects(m.webgpu.createWebGPUBackend(), (error) => {
    assert.doesNotMatch(error.message, /optional peer dependency/, `${format}: the webgpu package did not load`);
    return true;
  });
  assert.equal(globalThis.recurStubGpuCreated, 1, `${format}: the webgpu package's create() was not called`);
  return losses;
};
