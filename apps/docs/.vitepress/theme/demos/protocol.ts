// Messages between a demo page and its worker. Training goes through @recur/train's fitInWorker
// (params below; fit's progress becomes step and epoch events on the page); other work is a
// command the worker answers with events (a forecast, a translation), so the page only draws.

/** Which backend to ask for: 'auto' tries WebGPU and falls back to the CPU. */
export type BackendChoice = 'auto' | 'cpu';

export interface ForecastSettings {
  readonly epochs: number;
  readonly lookback: number;
  readonly hiddenSize: number;
  readonly batchSize: number;
  readonly lr: number;
}

export interface NamesSettings {
  readonly epochs: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly batchSize: number;
  readonly lr: number;
}

/** Demo 4: a seasonal signal of `values` values (period P) learned online, TBPTT(k1, k2). */
export interface StreamSettings {
  readonly values: number;
  readonly period: number;
  /** Standard deviation of the noise (the signal's amplitude is about 1). */
  readonly noise: number;
  readonly hiddenSize: number;
  readonly lr: number;
  readonly k1: number;
  readonly k2: number;
  /** Pause between values, so they arrive at a pace a reader can watch. */
  readonly intervalMs: number;
}

/** What fitInWorker hands the demo worker's serveFit task: which demo to train, on what data and backend. */
export type DemoFitParams =
  | { readonly type: 'train-forecast'; readonly dataUrl: string; readonly backend: BackendChoice; readonly settings: ForecastSettings }
  | { readonly type: 'train-names'; readonly dataUrl: string; readonly backend: BackendChoice; readonly settings: NamesSettings };

/** The worker's other work (no fit): online learning, demo 3's checkpoint and translations, classifying a name. */
export type DemoCommand =
  | { readonly type: 'classify'; readonly name: string }
  /** Demo 4: stream a signal through a model that forecasts each value, then learns from it. */
  | { readonly type: 'stream-learn'; readonly backend: BackendChoice; readonly settings: StreamSettings }
  /** Demo 3: load the shipped g2p checkpoint (its JSON names the weights file beside it). */
  | { readonly type: 'load-g2p'; readonly modelUrl: string; readonly backend: BackendChoice }
  /** Demo 3: spell `word` in phonemes; beam 1 is greedy. */
  | { readonly type: 'translate'; readonly word: string; readonly beam: number };

export type DemoEvent =
  | { readonly type: 'backend'; readonly name: string; readonly fallbackReason?: string }
  | { readonly type: 'status'; readonly message: string }
  | { readonly type: 'step'; readonly step: number; readonly epoch: number; readonly loss: number }
  | { readonly type: 'epoch'; readonly epoch: number; readonly trainLoss: number; readonly validation: number; readonly lr: number }
  | {
      readonly type: 'forecast';
      readonly dates: readonly string[];
      readonly actual: readonly number[];
      readonly predicted: readonly number[];
    }
  | { readonly type: 'prediction'; readonly name: string; readonly probabilities: readonly number[]; readonly classes: readonly string[] }
  | { readonly type: 'model'; readonly parameters: number; readonly info: G2pCheckpointInfo }
  | { readonly type: 'translation'; readonly translation: Translation }
  /**
   * Demo 4, one per value: `expected` and `naive` were forecast for it before it arrived (null in
   * the first period); the running mean absolute errors of both; optimizer updates so far.
   */
  | {
      readonly type: 'stream-value';
      readonly t: number;
      readonly value: number;
      readonly expected: number | null;
      readonly naive: number | null;
      readonly mae: number | null;
      readonly naiveMae: number | null;
      readonly updates: number;
    }
  | { readonly type: 'done'; readonly seconds: number; readonly steps: number }
  /** `input`: the user's word was at fault (say so beside the box); otherwise the demo failed. */
  | { readonly type: 'error'; readonly message: string; readonly input?: boolean };

/** The births excerpt written by scripts/make-demo-data.ts: consecutive days from `start`. */
export interface BirthsExcerpt {
  readonly source: string;
  readonly start: string;
  /** Days of the training part; the rest is the held-out forecast period. */
  readonly trainDays: number;
  readonly births: readonly number[];
  /** 1 = Monday … 7 = Sunday, as the dataset has it. */
  readonly dayOfWeek: readonly number[];
}

/** The first-names excerpt: [name, class id] pairs with classes[id] naming the class. */
export interface NamesExcerpt {
  readonly source: string;
  readonly classes: readonly string[];
  readonly train: readonly (readonly [string, number])[];
  readonly validation: readonly (readonly [string, number])[];
}

/** Demo 3's answer for one word: phonemes and the attention behind each (with the <EOS> step). */
export interface Translation {
  /** The word as typed (trimmed), and the letters the model read (upper case, as CMUdict spells). */
  readonly word: string;
  readonly letters: readonly string[];
  readonly phonemes: readonly string[];
  /** weights[t][s]: how much decoder step t (phonemes, then <EOS>) attended to letter s. */
  readonly weights: readonly (readonly number[])[];
  readonly beam: number;
  /** log P of the output (with its <EOS>) under the model. */
  readonly score: number;
  readonly milliseconds: number;
}

/**
 * public/models/g2p/g2p.json, written by scripts/make-g2p-checkpoint.ts from a CLI checkpoint:
 * what the worker needs to rebuild the model (options, vocabularies, the weights file beside it)
 * and how it was trained (shown on the page).
 */
export interface G2pCheckpointInfo {
  readonly format: 'recur-g2p-demo';
  readonly version: 1;
  /** The safetensors file with the model's state dict, relative to the JSON. */
  readonly weights: string;
  readonly model: {
    readonly letters: number;
    readonly phonemes: number;
    readonly embeddingDim: number;
    readonly hiddenSize: number;
    readonly attention: 'additive' | 'dot';
  };
  /** G2pVocab.toJSON(): the letter and phoneme vocabularies, as the CLI checkpoint saved them. */
  readonly vocab: { readonly letters: unknown; readonly phonemes: unknown };
  readonly training: {
    readonly command: string;
    readonly config: Readonly<Record<string, unknown>>;
    readonly trainWords: number;
    readonly epochs: number;
    readonly seconds: number;
    /** Test split (first `testLimit` words), beam search: phoneme and word error rates. */
    readonly test: { readonly words: number; readonly per: number; readonly wer: number; readonly bleu: number };
  };
}
