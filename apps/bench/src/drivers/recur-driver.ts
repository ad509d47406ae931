// Recur on its cpu or webgpu backend, written as a user would: modules from @recur/cells, Adam
// from @recur/optim, one scope() per iteration so memory stays flat. Every iteration ends by
// reading a value back (`await data()`), which on WebGPU waits for the submitted work.

import { createRequire } from 'node:module';
import {
  Embedding,
  GRU,
  LSTM,
  LayerNormLSTM,
  Linear,
  MultiheadAttention,
  RNN,
  RecurrentStream,
  crossEntropy,
  mseLoss,
  type Module,
} from '@recur/cells';
import { Adam } from '@recur/optim';
import { packPaddedSequence, type PackedSequence } from '@recur/sequence';
import {
  getBackend,
  matmul,
  memory,
  noGrad,
  randint,
  randn,
  registerBackend,
  scope,
  useBackend,
  zeros,
  type BackendV1,
  type Tensor,
} from '@recur/tensor';
import { Unsupported, type CaseShape, type CaseSpec, type CellKind, type Driver, type Iteration, type SystemInfo } from '../protocol.js';

type Recurrent = LSTM | GRU | RNN;

function recurrent(
  cell: CellKind,
  inputSize: number,
  hiddenSize: number,
  extra: { numLayers?: number; bidirectional?: boolean } = {},
): Recurrent {
  const options = { inputSize, hiddenSize, ...extra };
  if (cell === 'lstm') return new LSTM(options);
  if (cell === 'gru') return new GRU(options);
  return new RNN({ ...options, nonlinearity: 'tanh' });
}

/** Output and h_n of any of the three layers (LSTM's c_n is not needed here). */
function runLayer(model: Recurrent, input: Tensor | PackedSequence): { output: Tensor; h: Tensor } {
  if (model instanceof LSTM) {
    const [output, [h]] = model.forward(input);
    return { output: output as Tensor, h };
  }
  const [output, h] = model.forward(input);
  return { output: output as Tensor, h };
}

/** Read one value back: on WebGPU this waits for everything submitted before it. */
async function settle(probe: Tensor): Promise<void> {
  await probe.data();
  probe.dispose();
}

function disposeAll(...items: (Module | Tensor | { dispose(): void })[]): void {
  for (const item of items) item.dispose();
}

/** The worker compares live tensors across runs: a count that grows means a leak. */
function withLiveCount(iteration: Iteration): Iteration {
  return { ...iteration, liveTensors: () => memory().numTensors };
}

function prepareMatmul(shape: Extract<CaseShape, { kind: 'matmul' }>): Iteration {
  const a = randn([shape.m, shape.k]);
  const b = randn([shape.k, shape.n]);
  return withLiveCount({
    run: () => settle(scope(() => matmul(a, b).narrow(0, 0, 1).narrow(1, 0, 1).contiguous())),
    dispose: () => disposeAll(a, b),
  });
}

/**
 * GPU dispatches one forward of `model` records (one layer, one direction: per sequence and
 * layer-direction), on a backend that counts them (webgpu's stats()); null elsewhere.
 */
function dispatchesPerSequence(model: Recurrent, x: Tensor): number | null {
  const backend = getBackend() as BackendV1 & { stats?: () => { dispatches: number } };
  if (!backend.stats) return null;
  // The second forward is counted: one-time work (the float16 copy of W_hh) is not per sequence.
  noGrad(() => scope(() => void runLayer(model, x)));
  const before = backend.stats().dispatches;
  noGrad(() => scope(() => void runLayer(model, x)));
  return backend.stats().dispatches - before;
}

function prepareForward(shape: Extract<CaseShape, { kind: 'rnn-forward' }>): Iteration {
  const model = recurrent(shape.cell, shape.inputSize, shape.hiddenSize);
  model.eval();
  const x = randn([shape.steps, shape.batch, shape.inputSize]);
  const dispatches = dispatchesPerSequence(model, x);
  return withLiveCount({
    ...(dispatches === null ? {} : { note: `${dispatches} GPU dispatches per sequence and layer-direction` }),
    run: () =>
      settle(
        noGrad(() =>
          scope(() =>
            runLayer(model, x)
              .output.select(0, shape.steps - 1)
              .narrow(0, 0, 1)
              .contiguous(),
          ),
        ),
      ),
    dispose: () => disposeAll(model, x),
  });
}

function prepareTrain(shape: Extract<CaseShape, { kind: 'rnn-train' }>): Iteration {
  const model = recurrent(shape.cell, shape.inputSize, shape.hiddenSize);
  const head = new Linear({ inFeatures: shape.hiddenSize, outFeatures: shape.classes });
  const optimizer = new Adam([...model.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = randn([shape.steps, shape.batch, shape.inputSize]);
  const target = randint(0, shape.classes, [shape.batch]);
  const lengths = shape.lengths;
  return withLiveCount({
    run: () =>
      settle(
        scope(() => {
          let last: Tensor;
          if (lengths) {
            // Packing is part of the step, as in a training loop that packs each batch.
            const packed = packPaddedSequence(x, lengths, { enforceSorted: false });
            last = runLayer(model, packed).h.select(0, 0);
          } else {
            last = runLayer(model, x).output.select(0, shape.steps - 1);
          }
          const loss = crossEntropy(head.forward(last), target);
          loss.backward();
          optimizer.step();
          optimizer.zeroGrad();
          return loss.detach();
        }),
      ),
    dispose: () => disposeAll(optimizer, model, head, x, target),
  });
}

function prepareOnline(shape: Extract<CaseShape, { kind: 'online-forward' | 'online-train' }>): Iteration {
  const model = new LSTM({ inputSize: shape.inputSize, hiddenSize: shape.hiddenSize });
  const head = new Linear({ inFeatures: shape.hiddenSize, outFeatures: 1 });
  const x = randn([shape.steps, 1, shape.inputSize]);
  const target = randn([1, 1]);
  const predict = () => head.forward(runLayer(model, x).output.select(0, shape.steps - 1));
  if (shape.kind === 'online-forward') {
    return withLiveCount({
      run: () => settle(noGrad(() => scope(predict))),
      dispose: () => disposeAll(model, head, x, target),
    });
  }
  const optimizer = new Adam([...model.parameters(), ...head.parameters()], { lr: 1e-3 });
  return withLiveCount({
    run: () =>
      settle(
        scope(() => {
          const loss = mseLoss(predict(), target);
          loss.backward();
          optimizer.step();
          optimizer.zeroGrad();
          return loss.detach();
        }),
      ),
    dispose: () => disposeAll(optimizer, model, head, x, target),
  });
}

function prepareTextClassifier(shape: Extract<CaseShape, { kind: 'text-classifier' }>): Iteration {
  const embedding = new Embedding({ numEmbeddings: shape.vocab, embeddingDim: shape.embedding });
  const lstm = new LSTM({ inputSize: shape.embedding, hiddenSize: shape.hiddenSize, numLayers: shape.layers, bidirectional: true });
  const head = new Linear({ inFeatures: 2 * shape.hiddenSize, outFeatures: shape.classes });
  const optimizer = new Adam([...embedding.parameters(), ...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
  const tokens = randint(0, shape.vocab, [shape.steps, shape.batch]);
  const target = randint(0, shape.classes, [shape.batch]);
  return withLiveCount({
    run: () =>
      settle(
        scope(() => {
          const [output] = lstm.forward(embedding.forward(tokens));
          const loss = crossEntropy(head.forward(output.select(0, shape.steps - 1)), target);
          loss.backward();
          optimizer.step();
          optimizer.zeroGrad();
          return loss.detach();
        }),
      ),
    dispose: () => disposeAll(optimizer, embedding, lstm, head, tokens, target),
  });
}

function prepareStream(shape: Extract<CaseShape, { kind: 'stream-step' }>): Iteration {
  const model = new LSTM({ inputSize: shape.inputSize, hiddenSize: shape.hiddenSize, numLayers: shape.layers });
  model.eval();
  const x = randn([1, 1, shape.inputSize]);
  if (shape.wrapper) {
    const stream = new RecurrentStream(model);
    return withLiveCount({
      run: async () => {
        const output = noGrad(() => stream.forward(x));
        await settle(output);
      },
      dispose: () => {
        stream.dispose();
        disposeAll(model, x);
      },
    });
  }
  let h = zeros([shape.layers, 1, shape.hiddenSize]);
  let c = zeros([shape.layers, 1, shape.hiddenSize]);
  return withLiveCount({
    run: async () => {
      const [output, nextH, nextC] = noGrad(() =>
        scope(() => {
          const [out, [hN, cN]] = model.forward(x, [h, c]);
          return [out, hN, cN] as const;
        }),
      );
      h.dispose();
      c.dispose();
      h = nextH;
      c = nextC;
      await settle(output);
    },
    dispose: () => disposeAll(model, x, h, c),
  });
}

/** W10: forward and backward of sum(output); the gradients land in the parameters (zeroed each time). */
function prepareRemedy(shape: Extract<CaseShape, { kind: 'lnlstm-grad' | 'mha-grad' }>): Iteration {
  const model =
    shape.kind === 'lnlstm-grad'
      ? new LayerNormLSTM({ inputSize: shape.inputSize, hiddenSize: shape.hiddenSize })
      : new MultiheadAttention({ embedDim: shape.embedDim, numHeads: shape.numHeads });
  const x = randn([shape.steps, shape.batch, shape.kind === 'lnlstm-grad' ? shape.inputSize : shape.embedDim]);
  const output = (): Tensor => (model instanceof LayerNormLSTM ? model.forward(x)[0] : model.forward(x, x, x, { needWeights: false })[0]);
  return withLiveCount({
    run: () =>
      settle(
        scope(() => {
          model.zeroGrad();
          const loss = output().sum();
          loss.backward();
          return loss.detach();
        }),
      ),
    dispose: () => disposeAll(model, x),
  });
}

/**
 * The WebGPU backend's recurrent options from the environment: RECUR_WEBGPU_WHOLE_SEQUENCE=on|off
 * (unset: the backend's default, off on fallback adapters such as SwiftShader) and
 * RECUR_WEBGPU_WEIGHTS=float16 (W_hh read as half floats by the whole-sequence kernels).
 */
function webgpuOptions(): { wholeSequence?: boolean; recurrentWeights?: 'float32' | 'float16' } {
  const whole = process.env.RECUR_WEBGPU_WHOLE_SEQUENCE;
  const weights = process.env.RECUR_WEBGPU_WEIGHTS;
  if (whole !== undefined && whole !== 'on' && whole !== 'off')
    throw new Error(`RECUR_WEBGPU_WHOLE_SEQUENCE must be on or off; got '${whole}'`);
  if (weights !== undefined && weights !== 'float32' && weights !== 'float16') {
    throw new Error(`RECUR_WEBGPU_WEIGHTS must be float32 or float16; got '${weights}'`);
  }
  return {
    ...(whole === undefined ? {} : { wholeSequence: whole === 'on' }),
    ...(weights === undefined ? {} : { recurrentWeights: weights }),
  };
}

/** How the webgpu backend runs recurrent layers, for the variant line. */
function recurrentVariant(backend: BackendV1): string {
  const policy = (backend as { recurrent?: { wholeSequence: boolean; weights: string } }).recurrent;
  if (!policy) return '';
  // W_hh's format only matters to the whole-sequence kernels.
  return policy.wholeSequence ? `; whole-sequence kernels, W_hh ${policy.weights}` : '; per-step recurrence';
}

function adapterDetails(backend: BackendV1): Record<string, unknown> {
  const info = (backend as { device?: { adapterInfo?: GPUAdapterInfo } }).device?.adapterInfo;
  if (!info) return {};
  return { adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown' };
}

/** The tfjs engine under a `recur-tfjs-*` row, and the workloads those rows measure (kept small). */
const TFJS_ENGINES = { 'tfjs-wasm': 'wasm', 'tfjs-webgpu': 'webgpu' } as const;
const TFJS_WORKLOADS: ReadonlySet<string> = new Set(['W1', 'W2']);

async function registerTfjs(engine: 'wasm' | 'webgpu'): Promise<string> {
  // tfjs-backend-webgpu registers only where navigator.gpu exists: Dawn's, before its import.
  if (engine === 'webgpu') await (await import('./tfjs-driver.js')).installNodeWebGPU();
  const { createTfjsBackend } = await import('@recur/backend-tfjs');
  registerBackend(() => createTfjsBackend({ backend: engine }), { name: 'tfjs' });
  return engine === 'wasm' ? 'tfjs-backend-wasm kernels (XNNPACK matmul)' : 'tfjs-backend-webgpu kernels on the webgpu package (Dawn)';
}

export function recurDriver(backendName: 'cpu' | 'webgpu' | 'tfjs-wasm' | 'tfjs-webgpu'): Driver {
  const tfjsEngine = backendName === 'tfjs-wasm' || backendName === 'tfjs-webgpu' ? TFJS_ENGINES[backendName] : undefined;
  return {
    async init(): Promise<SystemInfo> {
      let cpuVariant = '';
      let cpuThreadCount = 1;
      if (backendName === 'cpu') {
        const { cpu, cpuThreads, enableRelaxedSimd, wasmSimdAvailable } = await import('@recur/backend-cpu');
        // The bench opts in to relaxed SIMD's FMA (a V8 flag in Node 20); RECUR_CPU_RELAXED_SIMD=0 keeps mul + add.
        const fma = process.env.RECUR_CPU_RELAXED_SIMD !== '0' && enableRelaxedSimd();
        registerBackend(cpu());
        cpuThreadCount = cpuThreads();
        // Large products split over worker threads, each picked per size class by measured speed.
        cpuVariant = wasmSimdAvailable()
          ? `WebAssembly SIMD matmul${fma ? ' (relaxed-SIMD FMA)' : ''} and fused cells${cpuThreadCount > 1 ? ', large products split over the threads' : ''}`
          : 'TypeScript kernels (no WebAssembly SIMD)';
      } else if (tfjsEngine) {
        cpuVariant = await registerTfjs(tfjsEngine);
      } else {
        let module: Partial<typeof import('@recur/backend-webgpu')>;
        try {
          module = await import('@recur/backend-webgpu');
        } catch (error) {
          throw new Error(`backend not available: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        const create = module.createWebGPUBackend;
        if (typeof create !== 'function') throw new Error('backend not available: @recur/backend-webgpu exports no createWebGPUBackend');
        const options = webgpuOptions();
        registerBackend(() => create(options), { name: 'webgpu' });
      }
      const backend = await useBackend(tfjsEngine ? 'tfjs' : backendName);
      // Collect the import's garbage before GPU work starts (CONTRIBUTING.md, "Dawn and the garbage collector").
      (globalThis as { gc?: () => void }).gc?.();
      const version = (createRequire(import.meta.url)('@recur/tensor/package.json') as { version: string }).version;
      return {
        version,
        // SwiftShader spreads GPU work over CPU threads of its own; only the cpu backend's count is Recur's.
        ...(backendName === 'cpu' ? { threads: cpuThreadCount } : {}),
        variant: backendName === 'webgpu' ? `WGSL on the webgpu package (Dawn)${recurrentVariant(backend)}` : cpuVariant,
        ...adapterDetails(backend),
      };
    },

    async prepare(spec: CaseSpec): Promise<Iteration> {
      const shape = spec.shape;
      if (tfjsEngine && !TFJS_WORKLOADS.has(spec.workload)) {
        throw new Unsupported('the recur-tfjs rows measure W1 and W2 (Recur scans and fused training on tfjs kernels)');
      }
      switch (shape.kind) {
        case 'matmul':
          return prepareMatmul(shape);
        case 'rnn-forward':
          return prepareForward(shape);
        case 'rnn-train':
          return prepareTrain(shape);
        case 'online-forward':
        case 'online-train':
          return prepareOnline(shape);
        case 'text-classifier':
          return prepareTextClassifier(shape);
        case 'stream-step':
          return prepareStream(shape);
        case 'lnlstm-grad':
        case 'mha-grad':
          return prepareRemedy(shape);
        case 'quantized-stream-step':
          return (await import('./quantized-stream.js')).prepareQuantizedStream(shape);
        case 'bpe-train':
        case 'bpe-encode':
        case 'bpe-decode':
        case 'data-loader':
          // Host-side code: the harness sends these to recur-cpu only (T1, T2, D1).
          if (backendName !== 'cpu') throw new Unsupported('the text pipeline runs on the host; it is measured on recur-cpu');
          return (await import('./text-driver.js')).prepareText(shape);
        default:
          throw new Unsupported(`no Recur implementation of ${(shape as { kind: string }).kind}`);
      }
    },
  };
}
