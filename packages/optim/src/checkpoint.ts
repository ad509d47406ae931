// Training checkpoints in one safetensors file: the model's tensors under their PyTorch
// state-dict keys (so PyTorch's load_state_dict(strict=False) reads them), every other tensor
// (optimizer moments) under a `part/path` key, and the rest (steps, lrs, RNG) as JSON metadata.

import {
  FormatError,
  RecurError,
  Tensor,
  ValueError,
  defaultGenerator,
  parseSafetensors,
  serializeSafetensors,
  type Generator,
} from '@recur/tensor';
import { CHECKPOINT_VERSION, readCheckpointState, restore } from './checkpoint-state.js';

export { CHECKPOINT_VERSION };

/** Anything with PyTorch's state-dict protocol: a Module, an optimizer, a scheduler. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never): unknown;
  /** Throw what loadStateDict would, changing nothing (optimizers and schedulers have it). */
  checkStateDict?(state: never): void;
}

export interface CheckpointParts {
  readonly model?: Stateful;
  readonly optimizer?: Stateful;
  readonly scheduler?: Stateful;
  /** The random stream to restore (default: the tensor package's default generator). */
  readonly generator?: Generator;
  /** Any JSON-serialisable data of the caller's (epoch, data order, metrics). */
  readonly extra?: unknown;
}

export const CHECKPOINT_FORMAT = 'recur-checkpoint';

/** Replace every tensor in a state tree by a reference, collecting the tensors by key. */
function extract(value: unknown, path: string, tensors: Record<string, Tensor>): unknown {
  if (value instanceof Tensor) {
    tensors[path] = value;
    return { $tensor: path };
  }
  if (Array.isArray(value)) return value.map((item, i) => extract(item, `${path}/${i}`, tensors));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = extract(item, `${path}/${key}`, tensors);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  return value;
}

/** Serialise model, optimizer, scheduler and RNG state into one safetensors file. */
export async function encodeCheckpoint(parts: CheckpointParts): Promise<Uint8Array<ArrayBuffer>> {
  const tensors: Record<string, Tensor> = {};
  if (parts.model) {
    for (const [key, t] of Object.entries(parts.model.stateDict() as Record<string, Tensor>)) tensors[key] = t;
  }
  const state = {
    version: CHECKPOINT_VERSION,
    hasModel: !!parts.model,
    optimizer: parts.optimizer ? extract(parts.optimizer.stateDict(), 'optimizer', tensors) : null,
    scheduler: parts.scheduler ? extract(parts.scheduler.stateDict(), 'scheduler', tensors) : null,
    generator: (parts.generator ?? defaultGenerator).getState(),
    extra: parts.extra ?? null,
  };
  return serializeSafetensors(tensors, { format: 'pt', [CHECKPOINT_FORMAT]: JSON.stringify(state) });
}

/**
 * Load a checkpoint into the given objects (each optional) and return the caller's `extra`.
 * The model loads strictly. The whole file is checked — its JSON state, and each part against
 * the live object it goes into — before anything is loaded, so a bad file changes nothing;
 * every defect is a FormatError naming `source`.
 */
export function decodeCheckpoint(bytes: Uint8Array, parts: Omit<CheckpointParts, 'extra'>, source = 'checkpoint'): unknown {
  if (parts === null || typeof parts !== 'object') {
    throw new ValueError(
      `decodeCheckpoint: expected the parts to load into ({ model?, optimizer?, scheduler?, generator? }); got ${parts === null ? 'null' : typeof parts}`,
    );
  }
  const loaded = parseSafetensors(bytes, { source });
  try {
    const text = loaded.metadata[CHECKPOINT_FORMAT];
    if (text === undefined)
      throw new FormatError(
        `${source}: not a Recur checkpoint (no '${CHECKPOINT_FORMAT}' metadata); load plain weights with parseSafetensors`,
      );
    const state = readCheckpointState(text, loaded.tensors, source);
    const need = (name: string, present: unknown) => {
      if (!present) throw new FormatError(`${source}: the checkpoint holds no ${name} state to load`);
    };
    const weights = Object.fromEntries(Object.entries(loaded.tensors).filter(([key]) => !key.includes('/')));
    if (parts.model) need('model', state.hasModel);
    if (parts.optimizer) need('optimizer', state.optimizer);
    if (parts.scheduler) need('scheduler', state.scheduler);
    const optimizerState = parts.optimizer ? restore(state.optimizer, loaded.tensors) : undefined;
    const schedulerState = parts.scheduler ? restore(state.scheduler, loaded.tensors) : undefined;
    asFormatError(source, () => {
      parts.optimizer?.checkStateDict?.(optimizerState as never);
      parts.scheduler?.checkStateDict?.(schedulerState as never);
      // A Module checks every key and shape before it writes a weight, so it loads first.
      parts.model?.loadStateDict(weights as never);
      parts.optimizer?.loadStateDict(optimizerState as never);
      parts.scheduler?.loadStateDict(schedulerState as never);
    });
    (parts.generator ?? defaultGenerator).setState(state.generator);
    return state.extra;
  } finally {
    // loadStateDict copies values; the loaded tensors are ours to free.
    for (const t of Object.values(loaded.tensors)) t.dispose();
  }
}

/** Run `load`, turning the parts' typed errors (ValueError, ShapeError, …) into FormatErrors naming the file. */
function asFormatError(source: string, load: () => void): void {
  try {
    load();
  } catch (error) {
    if (error instanceof FormatError && error.message.startsWith(`${source}: `)) throw error;
    if (error instanceof RecurError) throw Object.assign(new FormatError(`${source}: ${error.message}`), { cause: error });
    throw error;
  }
}
