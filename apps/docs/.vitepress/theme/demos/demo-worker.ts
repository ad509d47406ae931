// The demos' Web Worker: it serves fitInWorker's runs (serveFit: load the data excerpt, pick a
// backend, build the demo's fit), and answers the other commands — classify a name, load demo
// 3's checkpoint and translate, learn a stream online — so the page's main thread only draws.

import type { LSTMModel } from '@recur/cells';
import { serveFit } from '@recur/train';
import { chooseBackend } from './choose-backend.js';
import { forecastFit } from './forecast-task.js';
import { G2pInputError, loadG2p, translate, type G2pDemoModel } from './g2p-task.js';
import { classifyName, namesFit, type NamesModel } from './names-task.js';
import { streamLearn } from './stream-task.js';
import type { BirthsExcerpt, DemoCommand, DemoEvent, DemoFitParams, G2pCheckpointInfo, NamesExcerpt } from './protocol.js';

interface WorkerScope {
  postMessage(event: DemoEvent): void;
  addEventListener(type: 'message', listener: (message: MessageEvent<DemoCommand>) => void): void;
}

const worker = globalThis as unknown as WorkerScope;
const emit = (event: DemoEvent): void => worker.postMessage(event);
let names: NamesModel | null = null;
let forecaster: LSTMModel | null = null;
let g2p: G2pDemoModel | null = null;

async function loadJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function loadBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Demo 3: fetch the checkpoint's JSON and the weights it names, and rebuild the model. */
async function loadG2pModel(modelUrl: string): Promise<void> {
  const info = await loadJson<G2pCheckpointInfo>(modelUrl);
  const weightsUrl = new URL(info.weights, modelUrl).href;
  g2p?.model.dispose();
  g2p = null;
  g2p = loadG2p(info, await loadBytes(weightsUrl), weightsUrl);
  emit({ type: 'model', parameters: g2p.parameters, info: g2p.info });
}

async function run(command: DemoCommand): Promise<void> {
  if (command.type === 'translate') {
    if (!g2p) throw new Error('the g2p model is not loaded yet');
    emit({ type: 'translation', translation: await translate(g2p, command.word, command.beam) });
    return;
  }
  if (command.type === 'classify') {
    if (!names) return;
    emit({ type: 'prediction', name: command.name, probabilities: await classifyName(names, command.name), classes: names.classes });
    return;
  }
  emit({ type: 'status', message: 'loading' });
  const backend = await chooseBackend(command.backend);
  emit({ type: 'backend', ...backend });
  if (command.type === 'load-g2p') await loadG2pModel(command.modelUrl);
  else await streamLearn(command.settings, emit, { intervalMs: command.settings.intervalMs });
}

serveFit(async (params: DemoFitParams, context) => {
  const post = (event: DemoEvent): void => context.post(event);
  const backend = await chooseBackend(params.backend);
  post({ type: 'backend', ...backend });
  // A run frees the models of the one before (serveFit reads the weights after fit, so not earlier).
  forecaster?.dispose();
  forecaster = null;
  names?.model.dispose();
  names = null;
  if (params.type === 'train-forecast') {
    const setup = forecastFit(await loadJson<BirthsExcerpt>(params.dataUrl), params.settings, post);
    forecaster = setup.model;
    return setup;
  }
  const { setup, trained } = namesFit(await loadJson<NamesExcerpt>(params.dataUrl), params.settings);
  // Classify answers once training has ended (the page asks only then).
  return { ...setup, callbacks: [...(setup.callbacks ?? []), { onTrainEnd: () => void (names = trained) }] };
});

let queue: Promise<void> = Promise.resolve();
worker.addEventListener('message', (message) => {
  // serveFit answers fitInWorker's messages (tagged recurFit).
  if ('recurFit' in message.data) return;
  queue = queue
    .then(() => run(message.data))
    .catch((error: unknown) =>
      emit({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
        input: error instanceof G2pInputError || undefined,
      }),
    );
});
