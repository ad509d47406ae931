// Training checkpoints in one safetensors file: the model's tensors under their PyTorch
// state-dict keys (so PyTorch's load_state_dict(strict=False) reads them), every other tensor
// (optimizer moments) under a `part/path` key, and the rest (steps, lrs, RNG) as JSON metadata.

import { FormatError, Tensor, defaultGenerator, parseSafetensors, serializeSafetensors, type Generator } from '@recur/tensor';

/** Anything with PyTorch's state-dict protocol: a Module, an optimizer, a scheduler. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never): unknown;
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
export const CHECKPOINT_VERSION = 1;

interface TensorRef {
  readonly $tensor: string;
}

const isRef = (value: unknown): value is TensorRef =>
  value !== null && typeof value === 'object' && typeof (value as TensorRef).$tensor === 'string';

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

/** The inverse of extract: references become the loaded tensors again. */
function restore(value: unknown, tensors: Readonly<Record<string, Tensor>>, source: string): unknown {
  if (isRef(value)) {
    const t = tensors[value.$tensor];
    if (!t) throw new FormatError(`${source}: tensor '${value.$tensor}' is referenced by the state but missing from the file`);
    return t;
  }
  if (Array.isArray(value)) return value.map((item) => restore(item, tensors, source));
  if (value !== null && typeof value === 'object') {
    const special = (value as { $number?: string }).$number;
    if (typeof special === 'string') return Number(special);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = restore(item, tensors, source);
    return out;
  }
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
 * The model loads strictly; a file that is not a Recur checkpoint is a FormatError.
 */
export function decodeCheckpoint(bytes: Uint8Array, parts: Omit<CheckpointParts, 'extra'>, source = 'checkpoint'): unknown {
  const loaded = parseSafetensors(bytes, { source });
  try {
    const text = loaded.metadata[CHECKPOINT_FORMAT];
    if (text === undefined) throw new FormatError(`${source}: not a Recur checkpoint (no '${CHECKPOINT_FORMAT}' metadata); load plain weights with parseSafetensors`);
    let state: Record<string, unknown>;
    try {
      state = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new FormatError(`${source}: checkpoint metadata is not valid JSON (${(error as Error).message})`);
    }
    if (state.version !== CHECKPOINT_VERSION) {
      throw new FormatError(`${source}: checkpoint version ${JSON.stringify(state.version)}, expected ${CHECKPOINT_VERSION}`);
    }
    const need = (name: string, present: unknown) => {
      if (!present) throw new FormatError(`${source}: the checkpoint holds no ${name} state to load`);
    };
    if (parts.model) {
      need('model', state.hasModel);
      const weights = Object.fromEntries(Object.entries(loaded.tensors).filter(([key]) => !key.includes('/')));
      parts.model.loadStateDict(weights as never);
    }
    if (parts.optimizer) {
      need('optimizer', state.optimizer);
      parts.optimizer.loadStateDict(restore(state.optimizer, loaded.tensors, source) as never);
    }
    if (parts.scheduler) {
      need('scheduler', state.scheduler);
      parts.scheduler.loadStateDict(restore(state.scheduler, loaded.tensors, source) as never);
    }
    const generator = state.generator as { key: [number, number]; counter: number } | undefined;
    if (generator) (parts.generator ?? defaultGenerator).setState(generator);
    return state.extra;
  } finally {
    // loadStateDict copies values; the loaded tensors are ours to free.
    for (const t of Object.values(loaded.tensors)) t.dispose();
  }
}
