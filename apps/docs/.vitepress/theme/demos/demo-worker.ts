// The demos' Web Worker: it loads the data excerpt, picks a backend, trains and streams events
// back, so the page's main thread only draws charts and stays responsive.

import { chooseBackend } from './choose-backend.js';
import { trainForecast } from './forecast-task.js';
import { classifyName, trainNames, type NamesModel } from './names-task.js';
import type { BirthsExcerpt, DemoCommand, DemoEvent, NamesExcerpt } from './protocol.js';

interface WorkerScope {
  postMessage(event: DemoEvent): void;
  addEventListener(type: 'message', listener: (message: MessageEvent<DemoCommand>) => void): void;
}

const worker = globalThis as unknown as WorkerScope;
const emit = (event: DemoEvent): void => worker.postMessage(event);
let names: NamesModel | null = null;

async function loadJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function run(command: DemoCommand): Promise<void> {
  if (command.type === 'classify') {
    if (!names) return;
    emit({ type: 'prediction', name: command.name, probabilities: await classifyName(names, command.name), classes: names.classes });
    return;
  }
  emit({ type: 'status', message: 'loading' });
  const backend = await chooseBackend(command.backend);
  emit({ type: 'backend', ...backend });
  if (command.type === 'train-forecast') {
    const model = await trainForecast(await loadJson<BirthsExcerpt>(command.dataUrl), command.settings, emit);
    model.dispose();
  } else {
    names?.model.dispose();
    names = await trainNames(await loadJson<NamesExcerpt>(command.dataUrl), command.settings, emit);
  }
}

let queue: Promise<void> = Promise.resolve();
worker.addEventListener('message', (message) => {
  queue = queue
    .then(() => run(message.data))
    .catch((error: unknown) => emit({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
