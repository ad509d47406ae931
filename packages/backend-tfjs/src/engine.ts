// Choosing and starting the TensorFlow.js backend under Recur's: tfjs keeps one global engine with
// one active backend, so each Recur kernel makes its tfjs backend the active one first (a cheap
// name check; switching to an initialised tfjs backend is synchronous in tfjs 4.22).

import { BackendError, ValueError, describeValue } from '@recur/backend';
import * as tf from '@tensorflow/tfjs-core';

/** The TensorFlow.js backends this bridge runs on. */
export type TfjsBackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

export const TFJS_BACKENDS: readonly TfjsBackendName[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/** The tfjs backend used when none is named: webgpu where navigator.gpu exists, webgl in other browsers, wasm in Node. */
export function defaultTfjsBackend(): TfjsBackendName {
  const host = globalThis as { navigator?: { gpu?: unknown }; document?: unknown };
  if (host.navigator?.gpu !== undefined) return 'webgpu';
  if (host.document !== undefined) return 'webgl';
  return 'wasm';
}

/** Imports the tfjs package that registers `name` (an optional peer), unless it is registered already. */
async function loadTfjsBackend(name: TfjsBackendName): Promise<void> {
  if (tf.findBackendFactory(name) !== null) return;
  try {
    // Literal specifiers, so bundlers see each optional peer; importing one registers its backend.
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    else if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    else if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
    else await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackendError(`tfjs: could not load @tensorflow/tfjs-backend-${name} (install it beside @tensorflow/tfjs-core): ${reason}`);
  }
  if (tf.findBackendFactory(name) === null) {
    throw new BackendError(
      `tfjs: importing @tensorflow/tfjs-backend-${name} registered no '${name}' backend (two copies of @tensorflow/tfjs-core?)`,
    );
  }
}

/** Loads, registers and initialises tfjs backend `name`, leaving it active. */
export async function startTfjsBackend(name: unknown): Promise<TfjsBackendName> {
  if (!TFJS_BACKENDS.includes(name as TfjsBackendName)) {
    throw new ValueError(`tfjs: backend must be one of ${TFJS_BACKENDS.join(', ')}; got ${describeValue(name)}`);
  }
  const chosen = name as TfjsBackendName;
  await loadTfjsBackend(chosen);
  let started: boolean;
  try {
    started = await tf.setBackend(chosen);
  } catch (error) {
    started = false;
    if (error instanceof Error) throw new BackendError(`tfjs: the '${chosen}' backend failed to start: ${error.message}`);
  }
  if (!started) throw new BackendError(`tfjs: the '${chosen}' backend failed to start (tf.setBackend returned false)`);
  await tf.ready();
  return chosen;
}

/** Makes `name` tfjs's active backend again if something else switched it (synchronous once initialised). */
export function activate(name: TfjsBackendName): void {
  if (tf.getBackend() === name) return;
  void tf.setBackend(name);
  if (tf.getBackend() !== name) throw new BackendError(`tfjs: could not switch the engine back to '${name}'`);
}
