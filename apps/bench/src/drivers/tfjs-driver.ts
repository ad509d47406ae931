// TensorFlow.js 4.22 on its cpu, wasm or webgpu backend, the way a tfjs user
// writes these models: tf.layers.lstm/gru/simpleRNN in a tf.sequential, model.trainOnBatch with
// Adam. tfjs is batch-first ([B, T, I]); every iteration reads a value back before it ends.

import type * as TfUnion from '@tensorflow/tfjs';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { Unsupported, type CaseShape, type CaseSpec, type CellKind, type Driver, type Iteration, type SystemInfo } from '../protocol.js';

export type TfjsBackendName = 'cpu' | 'wasm' | 'webgpu';

type Tf = typeof TfCore;
type Tfl = typeof TfLayers;

/**
 * navigator.gpu must exist before tfjs-backend-webgpu is imported, or it never registers
 * (CONTRIBUTING.md, "TensorFlow.js WebGPU in Node").
 */
export async function installNodeWebGPU(): Promise<Record<string, unknown>> {
  const { create, globals } = (await import('webgpu')) as unknown as { create(flags: string[]): GPU; globals: Record<string, unknown> };
  Object.assign(globalThis, globals);
  const host = globalThis as { navigator?: object };
  host.navigator ??= {};
  const gpu = create([]);
  Object.defineProperty(host.navigator, 'gpu', { value: gpu, configurable: true });
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter (requestAdapter returned null); Dawn needs a Vulkan driver such as SwiftShader');
  const info = adapter.info;
  return { adapter: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown' };
}

type RecurrentArgs = Parameters<Tfl['layers']['lstm']>[0];

/**
 * tfjs's default recurrent initializer is orthogonal, a QR decomposition done with tensor ops:
 * minutes for a 1024×256 kernel on tfjs-cpu, longer on webgpu. The values do not change what
 * an iteration costs, so every recurrent layer here starts from glorotUniform instead.
 */
const FAST_INIT = { recurrentInitializer: 'glorotUniform' } as const;

function recurrentLayer(tfl: Tfl, cell: CellKind, args: RecurrentArgs): TfLayers.layers.Layer {
  if (cell === 'lstm') return tfl.layers.lstm({ ...FAST_INIT, ...args });
  if (cell === 'gru') return tfl.layers.gru({ ...FAST_INIT, ...args });
  return tfl.layers.simpleRNN({ ...FAST_INIT, ...args, activation: 'tanh' });
}

/** Slice one value out of `y` and read it: on webgpu this waits for the queued work. (tfjs-core
 * alone registers no chained ops, hence tf.reshape(y) rather than y.reshape.) */
async function settle(tf: Tf, y: TfCore.Tensor): Promise<void> {
  const probe = tf.tidy(() => tf.slice(tf.reshape(y, [-1]), [0], [1]));
  await probe.data();
  tf.dispose([probe, y]);
}

function prepareMatmul(tf: Tf, shape: Extract<CaseShape, { kind: 'matmul' }>): Iteration {
  const a = tf.randomNormal([shape.m, shape.k]);
  const b = tf.randomNormal([shape.k, shape.n]);
  return { run: () => settle(tf, tf.matMul(a, b)), dispose: () => tf.dispose([a, b]) };
}

function prepareForward(tf: Tf, tfl: Tfl, shape: Extract<CaseShape, { kind: 'rnn-forward' }>): Iteration {
  const model = tfl.sequential({
    layers: [
      recurrentLayer(tfl, shape.cell, { units: shape.hiddenSize, returnSequences: true, inputShape: [shape.steps, shape.inputSize] }),
    ],
  });
  const x = tf.randomNormal([shape.batch, shape.steps, shape.inputSize]);
  return {
    run: () =>
      settle(
        tf,
        tf.tidy(() => tf.slice(model.predict(x) as TfCore.Tensor, [0, shape.steps - 1, 0], [1, 1, shape.hiddenSize])),
      ),
    dispose: () => {
      model.dispose();
      x.dispose();
    },
  };
}

/** A compiled model and one batch; trainOnBatch reads the loss back, so it waits for the step. */
function trainer(tf: Tf, model: TfLayers.Sequential, x: TfCore.Tensor, y: TfCore.Tensor, loss: string): Iteration {
  model.compile({ optimizer: tf.train.adam(1e-3), loss });
  return {
    run: async () => {
      await model.trainOnBatch(x, y);
    },
    dispose: () => {
      model.dispose();
      tf.dispose([x, y]);
    },
  };
}

function prepareTrain(tf: Tf, tfl: Tfl, shape: Extract<CaseShape, { kind: 'rnn-train' }>): Iteration {
  const model = tfl.sequential({
    layers: [
      recurrentLayer(tfl, shape.cell, { units: shape.hiddenSize, inputShape: [shape.steps, shape.inputSize] }),
      // softmax + sparse cross-entropy is tfjs-layers' spelling of cross-entropy on logits.
      tfl.layers.dense({ units: shape.classes, activation: 'softmax' }),
    ],
  });
  const x = tf.randomNormal([shape.batch, shape.steps, shape.inputSize]);
  const y = tf.cast(tf.randomUniform([shape.batch, 1], 0, shape.classes, 'int32'), 'float32');
  return trainer(tf, model, x, y, 'sparseCategoricalCrossentropy');
}

function prepareOnline(tf: Tf, tfl: Tfl, shape: Extract<CaseShape, { kind: 'online-forward' | 'online-train' }>): Iteration {
  const model = tfl.sequential({
    layers: [
      recurrentLayer(tfl, 'lstm', { units: shape.hiddenSize, inputShape: [shape.steps, shape.inputSize] }),
      tfl.layers.dense({ units: 1 }),
    ],
  });
  const x = tf.randomNormal([1, shape.steps, shape.inputSize]);
  if (shape.kind === 'online-train') return trainer(tf, model, x, tf.randomNormal([1, 1]), 'meanSquaredError');
  return {
    run: () => settle(tf, model.predict(x) as TfCore.Tensor),
    dispose: () => {
      model.dispose();
      x.dispose();
    },
  };
}

function prepareTextClassifier(tf: Tf, tfl: Tfl, shape: Extract<CaseShape, { kind: 'text-classifier' }>): Iteration {
  const layers: TfLayers.layers.Layer[] = [
    tfl.layers.embedding({ inputDim: shape.vocab, outputDim: shape.embedding, inputLength: shape.steps }),
  ];
  for (let layer = 0; layer < shape.layers; layer++) {
    const last = layer === shape.layers - 1;
    layers.push(
      tfl.layers.bidirectional({
        layer: recurrentLayer(tfl, 'lstm', { units: shape.hiddenSize, returnSequences: !last }) as unknown as TfLayers.RNN,
        mergeMode: 'concat',
      }),
    );
  }
  layers.push(tfl.layers.dense({ units: shape.classes, activation: 'softmax' }));
  const model = tfl.sequential({ layers });
  const tokens = tf.randomUniform([shape.batch, shape.steps], 0, shape.vocab, 'int32');
  const y = tf.cast(tf.randomUniform([shape.batch, 1], 0, shape.classes, 'int32'), 'float32');
  return trainer(tf, model, tokens, y, 'sparseCategoricalCrossentropy');
}

function prepareStream(tf: Tf, tfl: Tfl, shape: Extract<CaseShape, { kind: 'stream-step' }>): Iteration {
  // Stateful layers carry (h, c) from one predict() to the next: tfjs's streaming idiom.
  const layers = Array.from({ length: shape.layers }, (_, layer) =>
    recurrentLayer(tfl, 'lstm', {
      units: shape.hiddenSize,
      stateful: true,
      returnSequences: true,
      ...(layer === 0 ? { batchInputShape: [1, 1, shape.inputSize] } : {}),
    }),
  );
  const model = tfl.sequential({ layers });
  const x = tf.randomNormal([1, 1, shape.inputSize]);
  return {
    run: () => settle(tf, model.predict(x) as TfCore.Tensor),
    dispose: () => {
      model.dispose();
      x.dispose();
    },
  };
}

async function backendInfo(tf: Tf, backend: TfjsBackendName, extra: Record<string, unknown>): Promise<SystemInfo> {
  const version = tf.version_core;
  if (backend !== 'wasm') {
    return {
      version,
      threads: backend === 'cpu' ? 1 : undefined,
      variant: backend === 'cpu' ? 'plain JavaScript kernels' : 'WGSL via the webgpu package (Dawn)',
      ...extra,
    };
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threaded = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const binary =
    simd && threaded ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  return {
    version,
    threads: wasm.getThreadsCount(),
    simd,
    variant: binary,
    ...(threaded ? {} : { threads_note: 'tfjs-backend-wasm turns multithreading off under Node (IS_NODE; tfjs issue #3830)' }),
    ...extra,
  };
}

export function tfjsDriver(backend: TfjsBackendName): Driver {
  let tf: Tf;
  let tfl: Tfl;
  return {
    async init(threads: number): Promise<SystemInfo> {
      const extra = backend === 'webgpu' ? await installNodeWebGPU() : {};
      // The @tensorflow/tfjs bundle, as a user installs it: core + layers + the chained ops
      // (x.flatten()) that tfjs-layers calls and that tfjs-core's own Node build leaves out.
      const union: typeof TfUnion = await import('@tensorflow/tfjs');
      tf = union;
      tfl = union;
      if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
      if (backend === 'wasm') (await import('@tensorflow/tfjs-backend-wasm')).setThreadsCount(threads);
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
      await tf.ready();
      (globalThis as { gc?: () => void }).gc?.();
      return backendInfo(tf, backend, extra);
    },

    async prepare(spec: CaseSpec): Promise<Iteration> {
      const shape = spec.shape;
      if (spec.workload === 'W7') {
        throw new Unsupported('tfjs has no packed sequences (its padded LSTM train step is W2)');
      }
      switch (shape.kind) {
        case 'matmul':
          return prepareMatmul(tf, shape);
        case 'rnn-forward':
          return prepareForward(tf, tfl, shape);
        case 'rnn-train':
          return prepareTrain(tf, tfl, shape);
        case 'online-forward':
        case 'online-train':
          return prepareOnline(tf, tfl, shape);
        case 'text-classifier':
          return prepareTextClassifier(tf, tfl, shape);
        case 'stream-step':
          return prepareStream(tf, tfl, shape);
        default:
          throw new Unsupported(`no tfjs implementation of ${(shape as { kind: string }).kind}`);
      }
    },
  };
}
