// What the harness and its system workers say to each other: the case specs (one workload
// shape each), the request/reply messages, and what a system reports about itself. The Python
// peer (python/torch-peer.py) speaks the same messages as JSON lines.

export const SYSTEMS = ['recur-cpu', 'recur-webgpu', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu', 'torch-cpu', 'brainjs'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export const WORKLOADS = ['S1', 'W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

export type CellKind = 'lstm' | 'gru' | 'rnn';

/** One measured shape. Time-major [T, B, I] inputs throughout, as PyTorch's default. */
export type CaseShape =
  | { readonly kind: 'matmul'; readonly m: number; readonly k: number; readonly n: number }
  /** Full output sequence under no-grad (W1). */
  | { readonly kind: 'rnn-forward'; readonly cell: CellKind; readonly batch: number; readonly steps: number; readonly inputSize: number; readonly hiddenSize: number }
  /**
   * Forward, Linear(H→classes) on the last step, cross-entropy, backward, Adam (W2, W3, W7).
   * With `lengths` the batch is packed and "the last step" is each sequence's own last step.
   */
  | {
      readonly kind: 'rnn-train';
      readonly cell: CellKind;
      readonly batch: number;
      readonly steps: number;
      readonly inputSize: number;
      readonly hiddenSize: number;
      readonly classes: number;
      readonly lengths?: readonly number[];
    }
  /** B 1 online model: LSTM(I→H) + Linear(H→1) on the last step; forward, or MSE train step with Adam (W4). */
  | { readonly kind: 'online-forward' | 'online-train'; readonly steps: number; readonly inputSize: number; readonly hiddenSize: number }
  /** Embedding → L-layer bidirectional LSTM → Linear(2H→classes) on the last step, Adam (W5). */
  | {
      readonly kind: 'text-classifier';
      readonly vocab: number;
      readonly embedding: number;
      readonly hiddenSize: number;
      readonly layers: number;
      readonly batch: number;
      readonly steps: number;
      readonly classes: number;
    }
  /** One LSTM step at B 1 with (h, c) carried from the previous call (W6). */
  | { readonly kind: 'stream-step'; readonly inputSize: number; readonly hiddenSize: number; readonly layers: number };

export interface CaseSpec {
  readonly workload: WorkloadId;
  /** Unique within the workload: 'lstm', 'H256 L3', 'packed', … */
  readonly key: string;
  /** Human-readable shape, also the JSON `variant` (with ", quick" when shapes were shrunk). */
  readonly variant: string;
  readonly shape: CaseShape;
  /** Floating-point operations of one iteration, when they mean something (S1: GFLOP/s). */
  readonly flops?: number;
}

/** What a system actually ran with: versions, threads, SIMD, adapter. Free-form beyond these. */
export interface SystemInfo {
  readonly version: string;
  readonly threads?: number;
  readonly simd?: boolean;
  /** The build or variant actually loaded (e.g. 'tfjs-backend-wasm-simd.wasm'). */
  readonly variant?: string;
  readonly [detail: string]: unknown;
}

export type Request =
  /** `quick`: a smoke run, where start-up checks (PyTorch's mm timing) may be shortened. */
  | { readonly type: 'init'; readonly threads: number; readonly quick: boolean }
  | { readonly type: 'setup'; readonly spec: CaseSpec }
  /** Run `count` iterations of the set-up case; reply with each one's milliseconds. */
  | { readonly type: 'run'; readonly count: number }
  | { readonly type: 'teardown' };

export type Reply =
  | {
      readonly ok: true;
      readonly info?: SystemInfo;
      readonly times?: readonly number[];
      readonly batchScale?: number;
      readonly note?: string;
    }
  | { readonly ok: false; readonly error: string };

/** One iteration of a prepared case; `run` resolves once the work is done (results read back). */
export interface Iteration {
  run(): void | Promise<void>;
  dispose(): void;
  /** Live tensor handles, where the library can tell; the worker reports growth across runs. */
  liveTensors?(): number;
  /**
   * The iteration does 1/batchScale of the case's batch (brain.js: one sequence of B); the
   * report compares batchScale × its time with the others.
   */
  readonly batchScale?: number;
}

/** A system's implementation inside its worker process. */
export interface Driver {
  init(threads: number): Promise<SystemInfo>;
  /** Build the model and data for one case; throws `Unsupported` for cases the system cannot run. */
  prepare(spec: CaseSpec): Promise<Iteration>;
}

/** A case the system cannot express (reported as an error entry, not as a failure of the run). */
export class Unsupported extends Error {
  override readonly name = 'Unsupported';
}
