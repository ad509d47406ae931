// The workloads (README.md, "Workloads and targets") as case specs: S1 sgemm, W1–W7 recurrent shapes, and the text
// pipeline T1 (BPE training), T2 (BPE encode/decode), D1 (DataLoader). `--quick` shrinks every
// shape (B batch, T steps, I input, H hidden; fewer merges on a slice of the corpus) so a run
// takes seconds; the variant string says so, and quick numbers are never compared with full ones.

// W7's lengths come from mulberry32 so every system sees the same ones.
import { mulberry32 } from '@recur/datasets';
import type { CaseShape, CaseSpec, CellKind, SystemName, WorkloadId } from './protocol.js';

/** W1's shape; W2, W3 and W7 reuse it. */
const FULL_RNN = { batch: 32, steps: 128, inputSize: 64, hiddenSize: 256 };
const QUICK_RNN = { batch: 4, steps: 8, inputSize: 16, hiddenSize: 32 };

const CELL_NAMES: Record<CellKind, string> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN-tanh' };
/** Gate blocks per cell: FLOPs per step and sample ≈ 2·gates·H·(I+H). */
const GATES: Record<CellKind, number> = { lstm: 4, gru: 3, rnn: 1 };

/** Moby Dick has 139 sections (@recur/datasets/corpora/moby-dick); quick runs take the first 10. */
const MOBY_DICK_SECTIONS = 139;
const FULL_TEXT = { merges: 8000, sections: MOBY_DICK_SECTIONS };
const QUICK_TEXT = { merges: 300, sections: 10 };
/** T1, T2, D1 measure host-side code (tokenizer, DataLoader), which no peer here has. */
const TEXT_SYSTEMS: readonly SystemName[] = ['recur-cpu'];
const TEXT_UNSUPPORTED = "Recur's own tokenizer and DataLoader, measured on recur-cpu only";

export const WORKLOAD_TITLES: Record<WorkloadId, string> = {
  S1: 'sgemm',
  W1: 'RNN inference, full output sequence',
  W2: 'LSTM train step (Linear on the last step + cross-entropy + Adam)',
  W3: 'GRU / RNN-tanh train step',
  W4: 'online model, B 1 (forward; one train step)',
  W5: 'text classifier train step: Embedding → 2-layer BiLSTM → Linear',
  W6: 'streaming: one step with carried state, B 1',
  W7: 'packed batch (lengths uniform in [16, 128]) vs padded, LSTM train step',
  W9: 'W6 with compressed weights: float32 vs int8 vs float16 storage',
  W10: 'the remedies: layer-norm LSTM and multi-head self-attention, forward + backward',
  T1: 'byte-level BPE training on Moby Dick',
  T2: 'byte-level BPE encode / decode of Moby Dick',
  D1: 'DataLoader epoch: shuffle, length bucketing, padCollate',
};

/** `count` integers uniform in [low, high]. */
export function uniformLengths(count: number, low: number, high: number, seed = 7): number[] {
  const next = mulberry32(seed);
  return Array.from({ length: count }, () => low + Math.floor(next() * (high - low + 1)));
}

function rnnShape(quick: boolean) {
  return quick ? QUICK_RNN : FULL_RNN;
}

function shapeText(s: { batch: number; steps: number; inputSize: number; hiddenSize: number }): string {
  return `B${s.batch} T${s.steps} I${s.inputSize} H${s.hiddenSize}`;
}

function recurrentFlops(cell: CellKind, s: { batch: number; steps: number; inputSize: number; hiddenSize: number }): number {
  return 2 * GATES[cell] * s.hiddenSize * (s.inputSize + s.hiddenSize) * s.steps * s.batch;
}

function casesOf(workload: WorkloadId, quick: boolean): Omit<CaseSpec, 'workload'>[] {
  const rnn = rnnShape(quick);
  switch (workload) {
    case 'S1':
      return [quick ? [256, 256, 256] : [512, 512, 512], [32, 320, 1024]].map(([m, k, n]) => ({
        key: `${m}x${k}x${n}`,
        variant: `${m}×${k} · ${k}×${n}`,
        shape: { kind: 'matmul', m: m!, k: k!, n: n! } satisfies CaseShape,
        flops: 2 * m! * k! * n!,
      }));
    case 'W1':
      return (['lstm', 'gru', 'rnn'] as const).map((cell) => ({
        key: cell,
        variant: `${CELL_NAMES[cell]} ${shapeText(rnn)}`,
        shape: { kind: 'rnn-forward', cell, ...rnn },
        flops: recurrentFlops(cell, rnn),
      }));
    case 'W2':
    case 'W3':
      return (workload === 'W2' ? (['lstm'] as const) : (['gru', 'rnn'] as const)).map((cell) => ({
        key: cell,
        variant: `${CELL_NAMES[cell]} train ${shapeText(rnn)}`,
        shape: { kind: 'rnn-train', cell, ...rnn, classes: 10 },
      }));
    case 'W4': {
      const online = { steps: quick ? 10 : 50, inputSize: 1, hiddenSize: 32 };
      const text = `B1 T${online.steps} I1 H32`;
      return [
        { key: 'forward', variant: `forward ${text}`, shape: { kind: 'online-forward', ...online } },
        { key: 'train', variant: `train step ${text}`, shape: { kind: 'online-train', ...online } },
      ];
    }
    case 'W5': {
      const text = quick
        ? { vocab: 100, embedding: 16, hiddenSize: 16, layers: 2, batch: 4, steps: 8, classes: 2 }
        : { vocab: 10000, embedding: 128, hiddenSize: 256, layers: 2, batch: 64, steps: 64, classes: 2 };
      return [
        {
          key: 'bilstm',
          variant: `Embedding(${text.vocab},${text.embedding}) → ${text.layers}×BiLSTM(${text.hiddenSize}) → Linear(${2 * text.hiddenSize}→2) B${text.batch} T${text.steps}`,
          shape: { kind: 'text-classifier', ...text },
        },
      ];
    }
    case 'W6': {
      const sizes = quick ? [32] : [256, 512, 1024];
      const inputSize = quick ? 16 : 64;
      const steps: Omit<CaseSpec, 'workload'>[] = sizes.flatMap((hiddenSize) =>
        [1, 3].map((layers) => ({
          key: `H${hiddenSize} L${layers}`,
          variant: `LSTM step B1 I${inputSize} H${hiddenSize} ${layers} layer${layers > 1 ? 's' : ''}`,
          shape: { kind: 'stream-step', inputSize, hiddenSize, layers } satisfies CaseShape,
        })),
      );
      // The same step through RecurrentStream, beside the raw H256 L1 row (target: < 5% more).
      const hiddenSize = sizes[0]!;
      return [
        ...steps,
        {
          key: `H${hiddenSize} L1 stream`,
          variant: `LSTM step B1 I${inputSize} H${hiddenSize} 1 layer, RecurrentStream`,
          shape: { kind: 'stream-step', inputSize, hiddenSize, layers: 1, wrapper: true } satisfies CaseShape,
          systems: ['recur-cpu', 'recur-webgpu'],
          unsupported: "Recur's RecurrentStream wrapper (compare with the raw row)",
        },
      ];
    }
    case 'W9': {
      // W6 at H 1024 (one layer), the three storage dtypes side by side (Recur only: quantizeDynamic).
      const inputSize = quick ? 16 : 64;
      const hiddenSize = quick ? 32 : 1024;
      return (['float32', 'int8', 'float16'] as const).map((dtype) => ({
        key: `H${hiddenSize} L1 ${dtype}`,
        variant: `LSTM step B1 I${inputSize} H${hiddenSize} 1 layer, ${dtype} weights`,
        shape: { kind: 'quantized-stream-step', inputSize, hiddenSize, layers: 1, dtype } satisfies CaseShape,
        systems: ['recur-cpu', 'recur-webgpu'] as SystemName[],
        unsupported: "Recur's quantizeDynamic (@recur/export)",
      }));
    }
    case 'T1':
    case 'T2':
    case 'D1':
      return textCases(workload, quick);
    case 'W10': {
      const ln = quick ? QUICK_RNN : { batch: 32, steps: 64, inputSize: 64, hiddenSize: 128 };
      const attention = quick ? { batch: 4, steps: 8, embedDim: 16, numHeads: 2 } : { batch: 32, steps: 64, embedDim: 128, numHeads: 4 };
      const only = {
        systems: ['recur-cpu', 'recur-webgpu', 'torch-cpu'] as SystemName[],
        unsupported: 'no layer-norm LSTM or attention module in this peer',
      };
      return [
        { key: 'lnlstm', variant: `LayerNormLSTM fwd+bwd ${shapeText(ln)}`, shape: { kind: 'lnlstm-grad', ...ln }, ...only },
        {
          key: 'mha',
          variant: `MultiheadAttention self fwd+bwd B${attention.batch} T${attention.steps} E${attention.embedDim} ${attention.numHeads} heads`,
          shape: { kind: 'mha-grad', ...attention },
          ...only,
        },
      ];
    }
    case 'W7': {
      const lengths = quick ? uniformLengths(rnn.batch, 2, rnn.steps) : uniformLengths(rnn.batch, 16, 128);
      const range = quick ? `[2, ${rnn.steps}]` : '[16, 128]';
      return [
        {
          key: 'packed',
          variant: `LSTM train packed, lengths in ${range} (mean ${mean(lengths).toFixed(1)}) ${shapeText(rnn)}`,
          shape: { kind: 'rnn-train', cell: 'lstm', ...rnn, classes: 10, lengths },
        },
        {
          key: 'padded',
          variant: `LSTM train padded to T${rnn.steps} ${shapeText(rnn)}`,
          shape: { kind: 'rnn-train', cell: 'lstm', ...rnn, classes: 10 },
        },
      ];
    }
  }
}

function corpusText(sections: number): string {
  return sections === MOBY_DICK_SECTIONS ? `all of Moby Dick (${sections} sections)` : `Moby Dick's first ${sections} sections`;
}

function textCases(workload: 'T1' | 'T2' | 'D1', quick: boolean): Omit<CaseSpec, 'workload'>[] {
  const text = quick ? QUICK_TEXT : FULL_TEXT;
  const corpus = corpusText(text.sections);
  const tokenizer = `BPE ${text.merges} merges`;
  const loader = { batchSize: quick ? 16 : 64, maxLength: 256 };
  const cases: [string, string, CaseShape][] =
    workload === 'T1'
      ? [['train', `train to ${text.merges} merges (min frequency 2) on ${corpus}`, { kind: 'bpe-train', ...text }]]
      : workload === 'T2'
        ? [
            ['encode', `encode ${corpus}, ${tokenizer}, piece cache warm`, { kind: 'bpe-encode', ...text, cache: 'warm' }],
            ['encode-cold', `encode ${corpus}, ${tokenizer}, fresh tokenizer (cold cache)`, { kind: 'bpe-encode', ...text, cache: 'cold' }],
            ['decode', `decode ${corpus}, ${tokenizer}`, { kind: 'bpe-decode', ...text }],
          ]
        : [
            [
              'epoch',
              `paragraphs of ${corpus} as ${tokenizer} ids, B${loader.batchSize}, shuffle, bucketBy length, ` +
                `padCollate (lengths, mask) to at most ${loader.maxLength}`,
              { kind: 'data-loader', ...text, ...loader },
            ],
          ];
  return cases.map(([key, variant, shape]) => ({ key, variant, shape, systems: TEXT_SYSTEMS, unsupported: TEXT_UNSUPPORTED }));
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The systems of `candidates` that some selected case runs (others would only report "not run"). */
export function systemsFor(workloads: readonly WorkloadId[], candidates: readonly SystemName[]): SystemName[] {
  const cases = buildCases(workloads, false);
  return candidates.filter((system) => cases.some((c) => !c.systems || c.systems.includes(system)));
}

/** Every case of the selected workloads, workload by workload in the order given. */
export function buildCases(workloads: readonly WorkloadId[], quick: boolean): CaseSpec[] {
  return workloads.flatMap((workload) =>
    casesOf(workload, quick).map((c) => ({ ...c, workload, variant: quick ? `${c.variant}, quick` : c.variant })),
  );
}
