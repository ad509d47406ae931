// ONNX Runtime 1.30 peers for the inference cases (W1, W4 forward, W6): `ort-wasm` is
// onnxruntime-web on its WebAssembly backend (SIMD, the run's thread count), `ort-node` the native
// onnxruntime-node. Both run the very models the PyTorch peer builds, exported by it with
// torch.onnx.export (python/torch-peer.py --export-onnx) into a temporary folder at set-up.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Both packages re-export onnxruntime-common's API; the web one's types stand for both.
import type * as OrtApi from 'onnxruntime-web';
import { Unsupported, type CaseShape, type CaseSpec, type Driver, type Iteration, type SystemInfo } from '../protocol.js';

export type OrtFlavour = 'wasm' | 'node';

/** Set by systems.ts for the ort workers: how to run the exporter, or why it cannot run. */
export const ONNX_EXPORT_ENV = 'RECUR_BENCH_ONNX_EXPORT';
interface Exporter {
  readonly python?: string;
  readonly script?: string;
  readonly error?: string;
}

type Ort = typeof OrtApi;
type Feeds = Record<string, OrtApi.Tensor>;

/** A deterministic input of `shape` (values in [-1, 1)). */
function input(ort: Ort, shape: readonly number[]): OrtApi.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37)),
    [...shape],
  );
}

/** The case's model as ONNX, written by the PyTorch peer; Unsupported when it cannot be made here. */
function exportModel(shape: CaseShape, folder: string): string {
  const exporter = JSON.parse(process.env[ONNX_EXPORT_ENV] ?? '{"error":"the harness set no exporter"}') as Exporter;
  if (!exporter.python || !exporter.script)
    throw new Unsupported(`the ONNX model comes from torch.onnx.export: ${exporter.error ?? 'no Python'}`);
  const path = join(folder, 'model.onnx');
  const result = spawnSync(exporter.python, [exporter.script, '--export-onnx', JSON.stringify(shape), path], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const reply = result.stdout.trim().split('\n').pop() ?? '';
  let parsed: { ok?: boolean; error?: string } = {};
  try {
    parsed = JSON.parse(reply) as typeof parsed;
  } catch {
    throw new Error(`torch.onnx.export failed (exit ${result.status}): ${result.stderr.trim().split('\n').pop() ?? ''}`);
  }
  if (parsed.ok) return path;
  const error = parsed.error ?? 'no reply';
  if (error.startsWith('unsupported: ') || error.startsWith('import torch failed'))
    throw new Unsupported(error.replace(/^unsupported: /, ''));
  throw new Error(`torch.onnx.export: ${error}`);
}

export function ortDriver(flavour: OrtFlavour): Driver {
  let ort: Ort;
  let threads = 1;
  let version = '';
  return {
    async init(requested: number): Promise<SystemInfo> {
      threads = requested;
      if (flavour === 'wasm') {
        const web = (await import('onnxruntime-web')) as unknown as Ort & { env: { versions: { web?: string } } };
        ort = web;
        ort.env.wasm.numThreads = threads;
        ort.env.wasm.simd = true;
        version = web.env.versions.web ?? '';
        return { version, threads, simd: true, variant: 'onnxruntime-web, WebAssembly backend (wasm execution provider)' };
      }
      const native = (await import('onnxruntime-node')) as unknown as Ort & { default?: Ort; env: { versions: { node?: string } } };
      ort = native.default ?? native;
      version = (ort.env.versions as { node?: string }).node ?? '';
      return { version, threads, variant: 'onnxruntime-node, native CPU execution provider' };
    },

    async prepare(spec: CaseSpec): Promise<Iteration> {
      const shape = spec.shape;
      const supported = shape.kind === 'rnn-forward' || shape.kind === 'online-forward' || (shape.kind === 'stream-step' && !shape.wrapper);
      if (!supported) throw new Unsupported('ONNX Runtime runs the inference cases only (W1, W4 forward, W6)');
      const folder = mkdtempSync(join(tmpdir(), 'recur-bench-onnx-'));
      try {
        const path = exportModel(shape, folder);
        const options: OrtApi.InferenceSession.SessionOptions =
          flavour === 'wasm'
            ? { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }
            : {
                executionProviders: ['cpu'],
                graphOptimizationLevel: 'all',
                intraOpNumThreads: threads,
                interOpNumThreads: 1,
                executionMode: 'sequential',
              };
        const session = await ort.InferenceSession.create(path, options);
        return iteration(ort, session, shape);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

function iteration(ort: Ort, session: OrtApi.InferenceSession, shape: CaseShape): Iteration {
  const dispose = (): void => void session.release();
  switch (shape.kind) {
    case 'rnn-forward': {
      const feeds: Feeds = { x: input(ort, [shape.steps, shape.batch, shape.inputSize]) };
      return { run: async () => void (await session.run(feeds)), dispose };
    }
    case 'online-forward': {
      const feeds: Feeds = { x: input(ort, [shape.steps, 1, shape.inputSize]) };
      return { run: async () => void (await session.run(feeds)), dispose };
    }
    case 'stream-step': {
      const state = [shape.layers, 1, shape.hiddenSize];
      const x = input(ort, [1, 1, shape.inputSize]);
      let h: OrtApi.Tensor = new ort.Tensor('float32', new Float32Array(shape.layers * shape.hiddenSize), state);
      let c: OrtApi.Tensor = new ort.Tensor('float32', new Float32Array(shape.layers * shape.hiddenSize), state);
      return {
        run: async () => {
          // (h, c) carried from call to call, as the other systems do.
          const outputs = await session.run({ x, h0: h, c0: c });
          h = outputs.hn!;
          c = outputs.cn!;
        },
        dispose,
      };
    }
    default:
      throw new Unsupported(`no ONNX Runtime implementation of ${shape.kind}`);
  }
}
