// The page side of a demo: starts the demo worker (a Vite worker import, so it is bundled with
// its own copy of Recur), trains in it with @recur/train's fitInWorker, and folds fit's progress
// and the worker's events into reactive state for the charts.

import { fitInWorker } from '@recur/train';
import { onBeforeUnmount, reactive } from 'vue';
import { demoEvent } from './fit-events.js';
import { FORECAST_VALIDATION } from './forecast-settings.js';
import { NAMES_VALIDATION } from './names-settings.js';
import type { DemoCommand, DemoEvent, DemoFitParams, G2pCheckpointInfo, Translation } from './protocol.js';

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

  let run: AbortController | null = null;

  /** A fresh worker for each run, so a new run never shares a GPU device with the last. */
  function restart(): Worker {
    run?.abort();
    run = null;
    worker?.terminate();
    worker = null;
    Object.assign(state, initialState(), { running: true });
    return ensureWorker();
  }

  /** Train demo 1 or 2 with fitInWorker: fit runs in the worker, its progress draws the charts. */
  function fit(params: DemoFitParams): void {
    const target = restart();
    const controller = new AbortController();
    run = controller;
    const validation = params.type === 'train-forecast' ? FORECAST_VALIDATION : NAMES_VALIDATION;
    const started = performance.now();
    fitInWorker(target, {
      params,
      signal: controller.signal,
      onProgress: (event) => {
        const mapped = demoEvent(event, validation);
        if (mapped) applyEvent(state, mapped);
      },
      onMessage: (event) => applyEvent(state, event as DemoEvent),
    }).then(
      (result) => applyEvent(state, { type: 'done', seconds: (performance.now() - started) / 1000, steps: result.steps }),
      (error: unknown) => {
        if (!controller.signal.aborted)
          applyEvent(state, { type: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
  }

  /** Load demo 3's model or stream demo 4 (no fit: commands the worker answers with events). */
  function train(command: Extract<DemoCommand, { type: 'load-g2p' | 'stream-learn' }>): void {
    restart().postMessage(command);
  }

  function send(command: DemoCommand): void {
    worker?.postMessage(command);
  }

  onBeforeUnmount(() => {
    run?.abort();
    worker?.terminate();
  });
  return { state, fit, train, send };
}
