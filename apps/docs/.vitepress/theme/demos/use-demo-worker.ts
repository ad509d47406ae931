// The page side of a demo: starts the demo worker (a Vite worker import, so it is bundled with
// its own copy of Recur) and folds its events into reactive state for the charts.

import { onBeforeUnmount, reactive } from 'vue';
import type { DemoCommand, DemoEvent, G2pCheckpointInfo, Translation } from './protocol.js';

export interface DemoState {
  running: boolean;
  done: boolean;
  backend: string;
  fallbackReason: string;
  error: string;
  steps: number[];
  losses: number[];
  epochs: number[];
  trainLosses: number[];
  validation: number[];
  forecast: { dates: string[]; actual: number[]; predicted: number[] } | null;
  prediction: { name: string; probabilities: number[]; classes: string[] } | null;
  /** Demo 3: the loaded checkpoint, the latest translation and what was wrong with the last word. */
  model: { parameters: number; info: G2pCheckpointInfo } | null;
  translation: Translation | null;
  inputError: string;
  seconds: number;
  /** Demo 4: every scored value (t, truth, the forecasts made before it came) and the running errors. */
  stream: StreamTrace;
}

export interface StreamTrace {
  /** Values read, scored or not. */
  values: number;
  updates: number;
  t: number[];
  actual: number[];
  forecast: number[];
  naive: number[];
  mae: number[];
  naiveMae: number[];
}

function emptyTrace(): StreamTrace {
  return { values: 0, updates: 0, t: [], actual: [], forecast: [], naive: [], mae: [], naiveMae: [] };
}

function initialState(): DemoState {
  return {
    running: false,
    done: false,
    backend: '',
    fallbackReason: '',
    error: '',
    steps: [],
    losses: [],
    epochs: [],
    trainLosses: [],
    validation: [],
    forecast: null,
    prediction: null,
    model: null,
    translation: null,
    inputError: '',
    seconds: 0,
    stream: emptyTrace(),
  };
}

export function applyEvent(state: DemoState, event: DemoEvent): void {
  switch (event.type) {
    case 'backend':
      state.backend = event.name;
      state.fallbackReason = event.fallbackReason ?? '';
      break;
    case 'step':
      state.steps.push(event.step);
      state.losses.push(event.loss);
      break;
    case 'epoch':
      state.epochs.push(event.epoch);
      state.trainLosses.push(event.trainLoss);
      state.validation.push(event.validation);
      break;
    case 'forecast':
      state.forecast = { dates: [...event.dates], actual: [...event.actual], predicted: [...event.predicted] };
      break;
    case 'prediction':
      state.prediction = { name: event.name, probabilities: [...event.probabilities], classes: [...event.classes] };
      break;
    case 'model':
      state.running = false;
      state.model = { parameters: event.parameters, info: event.info };
      break;
    case 'translation':
      state.translation = event.translation;
      state.inputError = '';
      break;
    case 'stream-value': {
      const trace = state.stream;
      trace.values = event.t + 1;
      trace.updates = event.updates;
      if (event.expected === null || event.naive === null || event.mae === null || event.naiveMae === null) break;
      trace.t.push(event.t);
      trace.actual.push(event.value);
      trace.forecast.push(event.expected);
      trace.naive.push(event.naive);
      trace.mae.push(event.mae);
      trace.naiveMae.push(event.naiveMae);
      break;
    }
    case 'done':
      state.running = false;
      state.done = true;
      state.seconds = event.seconds;
      break;
    case 'error':
      if (event.input) {
        state.inputError = event.message;
        break;
      }
      state.running = false;
      state.error = event.message;
      break;
    case 'status':
      break;
  }
}

export function useDemoWorker() {
  const state = reactive<DemoState>(initialState());
  let worker: Worker | null = null;

  function ensureWorker(): Worker {
    if (!worker) {
      worker = new Worker(new URL('./demo-worker.ts', import.meta.url), { type: 'module', name: 'recur-demo' });
      worker.addEventListener('message', (message: MessageEvent<DemoEvent>) => applyEvent(state, message.data));
      worker.addEventListener('error', (event) => {
        state.running = false;
        state.error = event.message || 'the demo worker failed to start';
      });
    }
    return worker;
  }

  /**
   * Start training (or load demo 3's model): a fresh worker each time, so a new run never shares
   * a GPU device with the last.
   */
  function train(command: Extract<DemoCommand, { type: 'train-forecast' | 'train-names' | 'load-g2p' | 'stream-learn' }>): void {
    worker?.terminate();
    worker = null;
    Object.assign(state, initialState(), { running: true });
    ensureWorker().postMessage(command);
  }

  function send(command: DemoCommand): void {
    worker?.postMessage(command);
  }

  onBeforeUnmount(() => worker?.terminate());
  return { state, train, send };
}
