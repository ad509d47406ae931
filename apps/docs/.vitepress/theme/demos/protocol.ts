// Messages between a demo page and its training worker. The page sends commands; the worker
// answers with events, one per training step, epoch or forecast, so the page only draws.

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

export type DemoCommand =
  | { readonly type: 'train-forecast'; readonly dataUrl: string; readonly backend: BackendChoice; readonly settings: ForecastSettings }
  | { readonly type: 'train-names'; readonly dataUrl: string; readonly backend: BackendChoice; readonly settings: NamesSettings }
  | { readonly type: 'classify'; readonly name: string };

export type DemoEvent =
  | { readonly type: 'backend'; readonly name: string; readonly fallbackReason?: string }
  | { readonly type: 'status'; readonly message: string }
  | { readonly type: 'step'; readonly step: number; readonly epoch: number; readonly loss: number }
  | { readonly type: 'epoch'; readonly epoch: number; readonly trainLoss: number; readonly validation: number; readonly lr: number }
  | { readonly type: 'forecast'; readonly dates: readonly string[]; readonly actual: readonly number[]; readonly predicted: readonly number[] }
  | { readonly type: 'prediction'; readonly name: string; readonly probabilities: readonly number[]; readonly classes: readonly string[] }
  | { readonly type: 'done'; readonly seconds: number; readonly steps: number }
  | { readonly type: 'error'; readonly message: string };

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
