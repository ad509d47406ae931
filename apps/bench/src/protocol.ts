// What the harness and its system workers say to each other: the case specs (one workload
// shape each), the request/reply messages, and what a system reports about itself. The Python
// peer (python/torch-peer.py) speaks the same messages as JSON lines.

export const SYSTEMS = [
  'recur-cpu',
  'recur-webgpu',
  'recur-tfjs-wasm',
  'recur-tfjs-webgpu',
  'tfjs-cpu',
  'tfjs-wasm',
  'tfjs-webgpu',
  'torch-cpu',
  'ort-wasm',
  'ort-node',
  'brainjs',
] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** S1, W1–W7, W9, W10: tensor workloads (README.md, "Workloads and targets"); T1, T2, D1: the host-side text pipeline. */
export const WORKLOADS = ['S1', 'W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W9', 'W10', 'T1', 'T2', 'D1'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

export type CellKind = 'lstm' | 'gru' | 'rnn';

/** One measured shape. Time-major [T, B, I] inputs throughout, as PyTorch's default. */
export type CaseShape =
  | { readonly kind: 'matmul'; readonly m: number; readonly k: number; readonly n: number }
  /** Full output sequence under no-grad (W1). */
  | {
      readonly kind: 'rnn-forward';
      readonly cell: CellKind;
      readonly batch: number;
      readonly steps: number;
      readonly inputSize: number;
      readonly hiddenSize: number;
    }
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
  /**
   * One LSTM step at B 1 with (h, c) carried from the previous call (W6); `wrapper`: carried by
   * @recur/cells' RecurrentStream instead of by hand (its overhead over the raw step).
   */
  | {
      readonly kind: 'stream-step';
      readonly inputSize: number;
      readonly hiddenSize: number;
      readonly layers: number;
      readonly wrapper?: boolean;
    }
  /** W9: W6's step (one layer) with the weights stored float32, int8 (per-row scales) or float16. */
  | {
      readonly kind: 'quantized-stream-step';
      readonly inputSize: number;
      readonly hiddenSize: number;
      readonly layers: number;
      readonly dtype: 'float32' | 'int8' | 'float16';
    }
  /** W10: forward and backward of sum(output) of a layer-norm LSTM (custom_lstms.py's cell, LN_i over all steps at once). */
  | {
      readonly kind: 'lnlstm-grad';
      readonly batch: number;
      readonly steps: number;
      readonly inputSize: number;
      readonly hiddenSize: number;
    }
  /** W10: forward and backward of sum(output) of MultiheadAttention self-attention over [T, B, E] (no weights returned). */
  | { readonly kind: 'mha-grad'; readonly batch: number; readonly steps: number; readonly embedDim: number; readonly numHeads: number }
  /**
   * Byte-level BPE on Moby Dick's first `sections` sections (139: all of it): train to `merges`
   * merges (T1); encode the text with a tokenizer so trained, its piece cache warm or cold, or
   * decode its ids (T2).
   */
  | { readonly kind: 'bpe-train'; readonly merges: number; readonly sections: number }
  | { readonly kind: 'bpe-encode'; readonly merges: number; readonly sections: number; readonly cache: 'warm' | 'cold' }
  | { readonly kind: 'bpe-decode'; readonly merges: number; readonly sections: number }
  /**
   * One epoch of a DataLoader over Moby Dick's paragraphs as BPE ids (D1): shuffled, bucketed by
   * length, padCollate (inputs, lengths, mask, targets) truncating at `maxLength`.
   */
  | {
      readonly kind: 'data-loader';
      readonly merges: number;
      readonly sections: number;
      readonly batchSize: number;
      readonly maxLength: number;
    };

export interface CaseSpec {
  readonly workload: WorkloadId;
  /** Unique within the workload: 'lstm', 'H256 L3', 'packed', … */
  readonly key: string;
  /** Human-readable shape, also the JSON `variant` (with ", quick" when shapes were shrunk). */
  readonly variant: string;
  readonly shape: CaseShape;
  /** Floating-point operations of one iteration, when they mean something (S1: GFLOP/s). */
  readonly flops?: number;
  /**
   * The only systems that implement the case (default: all); the harness gives the others an
   * `unsupported: ${unsupported}` entry without asking their workers.
   */
  readonly systems?: readonly SystemName[];
  readonly unsupported?: string;
}

/** What one iteration processed, e.g. 1.22 MB of text, 8000 merges, 42 batches. */
export interface Work {
  readonly amount: number;
  readonly unit: string;
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
      /** Run replies: what each iteration processed, when the driver counts it. */
      readonly work?: Work;
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
  /** What one run processed (read after runs): the report divides it by the time (MB/s, batches/s). */
  readonly work?: Work;
  /** Something the reader should know about the set-up case (read after setup). */
  readonly note?: string;
  /** Untimed, before every timed run: restore what a run assumes (a fresh tokenizer: cold cache). */
  before?(): void;
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
