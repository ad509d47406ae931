// Task model files (`recur quantize` writes them): a task's model weights — int8 / float16 as
// quantizeDynamic compressed them, pruned matrices sparse — with the task, its config and rebuild
// state in the metadata, so `recur eval` and `recur predict` run them like checkpoints.

import { readFile } from 'node:fs/promises';
import { loadModuleWeights, quantizeDynamic, readWeights, serializeModuleWeights, type StoredWeights } from '@recur/export';
import {
  CheckpointError,
  openCheckpoint,
  type JsonValue,
  type Task,
  type TaskCheckpoint,
  type TaskConfig,
  type TaskRun,
} from '@recur/sample-core';
import { FormatError, readSafetensorsHeader } from '@recur/tensor';

export const TASK_MODEL_FORMAT = 'recur-task-model';
const TASK_MODEL_VERSION = '1';

export type ModelDType = 'float32' | 'float16' | 'int8';

/** What the metadata `task` holds. */
interface TaskModelMeta {
  readonly task: string;
  readonly config: TaskConfig;
  readonly state: JsonValue;
  /** Epochs the model was trained for. */
  readonly epochs: number;
  readonly dtype: ModelDType;
}

/** A task run ready to evaluate or predict, from a checkpoint or a task model file. */
export interface OpenedModel {
  readonly task: Task;
  readonly run: TaskRun;
  readonly epochs: number;
  /** How the weights are stored and the bytes they take on disk. */
  readonly model: { readonly dtype: ModelDType; readonly bytes: number };
}

/** The bytes of a task model file of `run`'s model (quantized or not). */
export async function serializeTaskModel(run: TaskRun, checkpoint: TaskCheckpoint, dtype: ModelDType): Promise<Uint8Array<ArrayBuffer>> {
  const meta: TaskModelMeta = {
    task: checkpoint.meta.task,
    config: checkpoint.meta.config,
    state: checkpoint.meta.state,
    epochs: checkpoint.meta.progress.epoch,
    dtype,
  };
  return serializeModuleWeights(run.model, { format: TASK_MODEL_FORMAT, version: TASK_MODEL_VERSION, task: JSON.stringify(meta) });
}

const fail = (path: string, message: string, cause?: unknown) => {
  const error = new CheckpointError(message.startsWith(path) ? message : `${path}: ${message}`);
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause });
  return error;
};

function readMeta(path: string, text: string | undefined): TaskModelMeta {
  let meta: unknown;
  try {
    meta = JSON.parse(String(text));
  } catch {
    throw fail(path, 'a task model file whose task metadata is not JSON');
  }
  const m = meta as Partial<TaskModelMeta> | null;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    typeof m.task === 'string' &&
    typeof m.config === 'object' &&
    m.config !== null &&
    Number.isInteger(m.epochs) &&
    (m.dtype === 'float32' || m.dtype === 'float16' || m.dtype === 'int8');
  if (!ok) throw fail(path, 'task model metadata is incomplete (expected task, config, state, epochs, dtype)');
  return m as TaskModelMeta;
}

async function openTaskModel(tasks: readonly Task[], path: string, bytes: Uint8Array): Promise<OpenedModel> {
  let stored: StoredWeights;
  try {
    stored = readWeights(bytes, { source: path });
  } catch (error) {
    throw fail(path, (error as Error).message, error);
  }
  if (stored.metadata.version !== TASK_MODEL_VERSION)
    throw fail(path, `task model file version '${String(stored.metadata.version).slice(0, 20)}', expected ${TASK_MODEL_VERSION}`);
  const meta = readMeta(path, stored.metadata.task);
  const task = tasks.find((t) => t.name === meta.task);
  if (!task) throw fail(path, `saved by unknown task '${meta.task.slice(0, 100)}' (known: ${tasks.map((t) => t.name).join(', ')})`);
  const run = await task.create(meta.config, { state: meta.state });
  try {
    // The model is quantized the same way first (its twins' weights then come from the file).
    if (meta.dtype !== 'float32') await quantizeDynamic(run.model, { dtype: meta.dtype });
    loadModuleWeights(run.model, stored, path);
  } catch (error) {
    run.dispose();
    if (error instanceof FormatError) throw fail(path, `does not fit the task's model: ${error.message}`, error);
    throw error;
  }
  run.model.eval();
  return { task, run, epochs: meta.epochs, model: { dtype: meta.dtype, bytes: stored.bytes } };
}

/** Open a task checkpoint or a task model file (told apart by the file's metadata). */
export async function openModel(tasks: readonly Task[], path: string): Promise<OpenedModel> {
  let bytes: Uint8Array | null = null;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    // openCheckpoint names what is wrong with the path (missing, a directory, unreadable).
  }
  let format: string | undefined;
  if (bytes) {
    try {
      format = readSafetensorsHeader(bytes, path).metadata.format;
    } catch {
      // Not safetensors at all: openCheckpoint says so.
    }
  }
  if (bytes && format === TASK_MODEL_FORMAT) return openTaskModel(tasks, path, bytes);
  const { task, checkpoint, run } = await openCheckpoint(tasks, path);
  const header = readSafetensorsHeader(checkpoint.bytes, path);
  const own = new Set(Object.keys(run.model.stateDict()));
  const weightBytes = Object.entries(header.tensors)
    .filter(([key]) => own.has(key))
    .reduce((n, [, entry]) => n + entry.dataOffsets[1] - entry.dataOffsets[0], 0);
  return { task, run, epochs: checkpoint.meta.progress.epoch, model: { dtype: 'float32', bytes: weightBytes } };
}
