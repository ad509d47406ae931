// Profiles the WebGPU backend on the bench's LSTM workloads (apps/bench/README.md): W1 (forward, full output
// sequence) and W2 (W1 + Linear(H→10) on the last step + cross-entropy + backward + Adam).
// B batch 32, T steps 128, I input 64, H hidden 256 (override with --batch/--steps/--input/--hidden).
//
// Kernels are synchronous calls that only record GPU work, so a kernel's GPU time cannot be
// awaited in place. The script therefore (1) runs each workload normally and measures wall time,
// the CPU time spent inside backend calls (encoding) and in device calls (buffers, pipelines,
// bind groups, submits), and (2) records every kernel call of one iteration as view metadata and
// replays the calls kind by kind on fresh buffers, flushing and awaiting after each kind: that
// is the GPU time by kernel kind (matmul, fused cell fwd/bwd, whole-sequence walk, elementwise, reduce, …),
// measured by timestamp queries too where the adapter has 'timestamp-query' (WebGPUBackend.timing).
//
// The whole-sequence kernels are forced on (--whole-sequence on, the default here; the backend turns
// them off by default on fallback adapters such as SwiftShader): --whole-sequence off profiles the
// per-step path, auto the backend's default; --weights float16 reads W_hh as half floats.
//
// Run from packages/backend-webgpu:
//   node bin/recur-node.js --conditions=@recur/source --import tsx bench/profile-lstm.ts [--only W1|W2]
//     [--whole-sequence on|off|auto] [--weights float32|float16]

import { LSTM, Linear, crossEntropy } from '@recur/cells';
import { Adam } from '@recur/optim';
import { noGrad, randint, randn, registerBackend, scope, useBackend, type Tensor } from '@recur/tensor';
import { createWebGPUBackend, type RecurrentWeights, type WebGPUBackend } from '../src/index.js';

const args = new Map<string, string>();
for (let k = 2; k < process.argv.length; k += 2) args.set(process.argv[k]!.replace(/^--/, ''), process.argv[k + 1] ?? '');
const B = Number(args.get('batch') ?? 32);
const T = Number(args.get('steps') ?? 128);
const I = Number(args.get('input') ?? 64);
const H = Number(args.get('hidden') ?? 256);
const only = args.get('only');
const WHOLE_SEQUENCE: Record<string, boolean | undefined> = { on: true, off: false, auto: undefined };
const wholeSequenceArg = args.get('whole-sequence') ?? 'on';
if (!(wholeSequenceArg in WHOLE_SEQUENCE)) throw new Error(`--whole-sequence must be on, off or auto; got '${wholeSequenceArg}'`);
const weights = (args.get('weights') ?? 'float32') as RecurrentWeights;

// ---- CPU-side accounting -------------------------------------------------------------------

interface Tally {
  calls: number;
  ms: number;
}
const tallies = new Map<string, Tally>();
function tally(name: string, ms: number): void {
  const t = tallies.get(name) ?? { calls: 0, ms: 0 };
  t.calls++;
  t.ms += ms;
  tallies.set(name, t);
}
function timed<A extends unknown[], R>(name: string, fn: (...a: A) => R, self: unknown): (...a: A) => R {
  return (...a: A): R => {
    const start = performance.now();
    const result = fn.apply(self, a);
    // An async call (read) is counted until it settles.
    if (result instanceof Promise) void result.finally(() => tally(name, performance.now() - start));
    else tally(name, performance.now() - start);
    return result;
  };
}

/** Wrap device/queue methods so their CPU time is counted (Dawn objects accept own properties). */
function instrumentDevice(device: GPUDevice): void {
  const d = device as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['createBuffer', 'createBindGroup', 'createComputePipeline', 'createShaderModule', 'createCommandEncoder']) {
    d[m] = timed(`device.${m}`, d[m]!, device);
  }
  const q = device.queue as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['submit', 'writeBuffer']) q[m] = timed(`queue.${m}`, q[m]!, device.queue);
}

// ---- kernel call recording and replay ------------------------------------------------------

interface Recorded {
  kind: string;
  method: string[];
  args: unknown[];
}
let recording: Recorded[] | null = null;
const KERNELS = ['unary', 'binary', 'where', 'reduce', 'matmul', 'copy', 'cast', 'fill', 'gather', 'scatterAdd', 'random'];

function isView(x: unknown): x is { buffer: { backend: string; size: number; dtype: string } } {
  return typeof x === 'object' && x !== null && 'buffer' in x && (x as { buffer: { backend?: string } }).buffer?.backend === 'webgpu';
}
function isBuffer(x: unknown): x is { backend: string; size: number; dtype: string } {
  return typeof x === 'object' && x !== null && (x as { backend?: string }).backend === 'webgpu' && 'size' in x;
}

const dims = (v: unknown): string => {
  const view = v as { shape: number[]; strides: number[] };
  return `[${view.shape.join(',')}]s[${view.strides.join(',')}]`;
};

function kindOf(method: string, a: unknown[]): string {
  // Matmuls are split by shape and strides: the recurrent, projection and gradient products differ.
  if (method === 'matmul') return `matmul ${dims(a[0])}·${dims(a[1])}${(a[3] as { accumulate?: boolean })?.accumulate ? ' acc' : ''}`;
  if (method === 'copy') return `copy ${dims(a[1])}←${dims(a[0])}`;
  if (method === 'reduce') return `reduce ${a[0]} ${dims(a[1])} axes ${String(a[2])}`;
  if (method === 'unary' || method === 'binary') return `elementwise`;
  if (method === 'where' || method === 'cast') return 'elementwise';
  return method;
}

function instrumentKernels(backend: WebGPUBackend): void {
  const b = backend as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of KERNELS) {
    const inner = timed(`kernel.${m}`, b[m]!, backend);
    b[m] = (...a: unknown[]) => {
      recording?.push({ kind: kindOf(m, a), method: [m], args: a });
      return inner(...a);
    };
  }
  const fused = backend.fused as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of Object.keys(fused)) {
    const inner = timed(`kernel.fused.${m}`, fused[m]!, backend.fused);
    fused[m] = (...a: unknown[]) => {
      recording?.push({ kind: m, method: ['fused', m], args: a });
      return inner(...a);
    };
  }
  b.read = timed('backend.read (submit + mapAsync wait)', b.read!, backend) as never;
  b.write = timed('backend.write', b.write!, backend);
  b.alloc = timed('backend.alloc', b.alloc!, backend);
  b.free = timed('backend.free', b.free!, backend);
}

/** Per kernel kind: calls, wall ms (flush + await) and, where the device has timestamp queries, GPU ms of its passes. */
interface KindTime {
  calls: number;
  ms: number;
  gpuMs: number | null;
}

/** Replay the recorded calls of each kind on fresh buffers; returns ms of GPU+encode time per kind. */
async function replay(backend: WebGPUBackend, calls: Recorded[], reps: number): Promise<Map<string, KindTime>> {
  const byKind = new Map<string, Recorded[]>();
  for (const call of calls) byKind.set(call.kind, [...(byKind.get(call.kind) ?? []), call]);
  const result = new Map<string, KindTime>();
  const raw = backend as unknown as Record<string, unknown>;
  for (const [kind, list] of byKind) {
    // One fresh buffer per original buffer, so aliasing between operands is kept.
    const buffers = new Map<unknown, unknown>();
    const fresh = (orig: { size: number; dtype: string }): unknown => {
      let mapped = buffers.get(orig);
      if (!mapped) {
        mapped = backend.alloc(orig.size, orig.dtype as 'float32');
        buffers.set(orig, mapped);
      }
      return mapped;
    };
    // The whole-sequence ops take one object of views (and arrays of views): mapped member by member.
    const mapArg = (x: unknown): unknown => {
      if (isView(x)) return { ...x, buffer: fresh(x.buffer) };
      if (isBuffer(x)) return fresh(x);
      if (Array.isArray(x)) return x.map(mapArg);
      if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
        return Object.fromEntries(Object.entries(x).map(([key, value]) => [key, mapArg(value)]));
      }
      return x;
    };
    const prepared = list.map((call) => ({ call, args: call.args.map(mapArg) }));
    const run = (): void => {
      for (const { call, args } of prepared) {
        let fn: unknown = raw;
        let self: unknown = backend;
        for (const part of call.method) {
          self = fn;
          fn = (fn as Record<string, unknown>)[part];
        }
        (fn as (...a: unknown[]) => void).apply(self, args);
      }
    };
    const probe = [...buffers.values()][0] as Parameters<WebGPUBackend['read']>[0];
    run(); // warm: pipelines, zeroing of the fresh buffers
    await backend.read(probe, 0, 1);
    backend.timing?.start();
    const start = performance.now();
    for (let r = 0; r < reps; r++) run();
    await backend.read(probe, 0, 1);
    const ms = (performance.now() - start) / reps;
    const timed = await backend.timing?.stop();
    result.set(kind, { calls: list.length, ms, gpuMs: timed ? timed.nanoseconds / 1e6 / reps : null });
    for (const buffer of buffers.values()) backend.free(buffer as Parameters<WebGPUBackend['free']>[0]);
  }
  return result;
}

// ---- workloads -----------------------------------------------------------------------------

async function settle(t: Tensor): Promise<void> {
  await t.data();
  t.dispose();
}

function w1(): () => Promise<void> {
  const model = new LSTM({ inputSize: I, hiddenSize: H });
  model.eval();
  const x = randn([T, B, I]);
  return () =>
    settle(
      noGrad(() =>
        scope(() =>
          (model.forward(x)[0] as Tensor)
            .select(0, T - 1)
            .narrow(0, 0, 1)
            .contiguous(),
        ),
      ),
    );
}

function w2(): () => Promise<void> {
  const model = new LSTM({ inputSize: I, hiddenSize: H });
  const head = new Linear({ inFeatures: H, outFeatures: 10 });
  const optimizer = new Adam([...model.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = randn([T, B, I]);
  const target = randint(0, 10, [B]);
  return () =>
    settle(
      scope(() => {
        const last = (model.forward(x)[0] as Tensor).select(0, T - 1);
        const loss = crossEntropy(head.forward(last), target);
        loss.backward();
        optimizer.step();
        optimizer.zeroGrad();
        return loss.detach();
      }),
    );
}

const fmt = (ms: number): string => ms.toFixed(1).padStart(9);

async function profile(name: string, make: () => () => Promise<void>, backend: WebGPUBackend): Promise<void> {
  const step = make();
  await step(); // warm-up: pipelines compiled, pools filled
  await step();
  tallies.clear();
  const before = backend.stats();
  recording = [];
  const start = performance.now();
  await step();
  const wall = performance.now() - start;
  const calls = recording;
  recording = null;
  const after = backend.stats();
  console.log(`\n=== ${name}: B${B} T${T} I${I} H${H} — one iteration ${wall.toFixed(0)} ms wall`);
  console.log(
    `dispatches ${after.dispatches - before.dispatches}, submits ${after.submits - before.submits}, ` +
      `pipelines ${after.pipelines} (new ${after.pipelines - before.pipelines}), storage buffers ${after.storage.buffers} (pooled ${after.storage.pooledBuffers})`,
  );
  console.log('CPU time inside calls (ms, calls):');
  let kernelCpu = 0;
  for (const [key, t] of [...tallies].sort((a, b) => b[1].ms - a[1].ms)) {
    if (key.startsWith('kernel.')) kernelCpu += t.ms;
    console.log(`  ${key.padEnd(44)}${fmt(t.ms)}  ${String(t.calls).padStart(6)}`);
  }
  console.log(`  ${'all kernel calls (encoding, incl. device calls)'.padEnd(44)}${fmt(kernelCpu)}`);
  const reps = Number(args.get('reps') ?? 1);
  const gpu = await replay(backend, calls, reps);
  const stamped = backend.timing !== undefined;
  console.log(
    `GPU replay by kernel kind (ms per iteration: wall with flush+await per kind${stamped ? ', then GPU time from timestamp queries' : ''}; calls):`,
  );
  let total = 0;
  let totalGpu = 0;
  for (const [kind, t] of [...gpu].sort((a, b) => b[1].ms - a[1].ms)) {
    total += t.ms;
    totalGpu += t.gpuMs ?? 0;
    console.log(`  ${kind.padEnd(44)}${fmt(t.ms)}${t.gpuMs === null ? '' : fmt(t.gpuMs)}  ${String(t.calls).padStart(6)}`);
  }
  console.log(`  ${'sum of kinds'.padEnd(44)}${fmt(total)}${stamped ? fmt(totalGpu) : ''}`);
}

const wholeSequence = WHOLE_SEQUENCE[wholeSequenceArg];
const backend = await createWebGPUBackend({ ...(wholeSequence === undefined ? {} : { wholeSequence }), recurrentWeights: weights });
(globalThis as { gc?: () => void }).gc?.();
instrumentDevice(backend.device);
instrumentKernels(backend);
registerBackend({ name: 'webgpu', priority: 10, create: async () => backend });
await useBackend('webgpu');
const info = backend.device.adapterInfo;
console.log(`adapter: ${[info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ')}`);
console.log(
  `recurrent: ${backend.recurrent.wholeSequence ? 'whole-sequence kernels' : 'per-step path'} (--whole-sequence ${wholeSequenceArg}), W_hh ${backend.recurrent.weights}`,
);
if (!only || only === 'W1') await profile('W1 LSTM forward', w1, backend);
if (!only || only === 'W2') await profile('W2 LSTM train step', w2, backend);
backend.dispose();
