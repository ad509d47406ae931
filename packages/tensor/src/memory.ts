// `memory()`: live tensor handles and backend bytes, per backend and in total, so tests and
// users can see that a scope or a training loop gives back everything it took.

import { engine } from './engine.js';
import { storageStats } from './storage.js';

export interface BackendMemory {
  readonly numTensors: number;
  readonly numBuffers: number;
  readonly numBytes: number;
}

export interface MemoryInfo extends BackendMemory {
  readonly backends: Readonly<Record<string, BackendMemory>>;
}

export function memory(): MemoryInfo {
  const backends: Record<string, BackendMemory> = {};
  let numTensors = 0;
  let numBuffers = 0;
  let numBytes = 0;
  const names = new Set([...engine.liveTensors.keys(), ...storageStats.perBackend.keys()]);
  for (const name of names) {
    const tensors = engine.liveTensors.get(name) ?? 0;
    const stats = storageStats.perBackend.get(name) ?? { numBuffers: 0, numBytes: 0 };
    backends[name] = { numTensors: tensors, numBuffers: stats.numBuffers, numBytes: stats.numBytes };
    numTensors += tensors;
    numBuffers += stats.numBuffers;
    numBytes += stats.numBytes;
  }
  return { numTensors, numBuffers, numBytes, backends };
}
