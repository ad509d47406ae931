// Task checkpoints on disk: @recur/optim's checkpoint file (model, optimizer, scheduler, RNG)
// whose `extra` names the task, its config, the run's rebuild state and where training stopped.
// Reading turns every way a file can be wrong into one CheckpointError naming the path.

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeCheckpoint } from '@recur/optim';
import { saveCheckpoint } from '@recur/optim/node';
import { Generator, readSafetensorsHeader } from '@recur/tensor';
import { CheckpointError } from './errors.js';
import type { EpochRecord } from './events.js';
import { nonFiniteTensors } from './finite.js';
import { makeDirectories } from './output-dir.js';
import type { JsonValue, TaskConfig, TrainState } from './task.js';

export const TASK_CHECKPOINT_KIND = 'recur-task-checkpoint';
export const TASK_CHECKPOINT_VERSION = 1;
/** The file a run keeps in its output directory (latest epoch or interrupt). */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

export interface TaskCheckpointMeta {
  readonly kind: typeof TASK_CHECKPOINT_KIND;
  readonly version: number;
  readonly task: string;
  readonly config: TaskConfig;
  /** The TaskRun's rebuild state (vocabulary, scaler statistics). */
  readonly state: JsonValue;
  /** Epochs finished, batches of the next epoch finished, and that epoch's loss sums so far. */
  readonly progress: {
    readonly epoch: number;
    readonly batch: number;
    readonly lossSum: number;
    readonly count: number;
    readonly step?: number;
  };
  readonly history: readonly EpochRecord[];
}

export interface TaskCheckpoint {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly meta: TaskCheckpointMeta;
}

/** An error's message without a leading "<path>: " (parse errors name the file themselves). */
function describe(error: unknown, path = ''): string {
  const message = error instanceof Error ? error.message : String(error);
  return path && message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/** `message` prefixed with the path unless it already starts with it (FormatErrors do). */
export function checkpointError(path: string, message: string): CheckpointError {
  return new CheckpointError(message.startsWith(path) ? message : `${path}: ${message}`);
}

function checkMeta(path: string, extra: unknown): TaskCheckpointMeta {
  const meta = extra as Partial<TaskCheckpointMeta> | null;
  if (meta === null || typeof meta !== 'object' || meta.kind !== TASK_CHECKPOINT_KIND) {
    throw checkpointError(path, 'a Recur checkpoint, but not one saved by a task run (no task metadata)');
  }
  if (meta.version !== TASK_CHECKPOINT_VERSION) {
    throw checkpointError(path, `task checkpoint version ${JSON.stringify(meta.version)}, expected ${TASK_CHECKPOINT_VERSION}`);
  }
  const progress = meta.progress;
  if (
    typeof meta.task !== 'string' ||
    typeof meta.config !== 'object' ||
    meta.config === null ||
    !progress ||
    !Array.isArray(meta.history)
  ) {
    throw checkpointError(path, 'task metadata is incomplete (task, config, progress, history)');
  }
  return meta as TaskCheckpointMeta;
}

/**
 * Read and check a task checkpoint without loading it into anything. The RNG state goes to a
 * throwaway generator, so reading has no effect on the running program.
 */
export async function readTaskCheckpoint(path: string): Promise<TaskCheckpoint> {
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw checkpointError(path, 'no such checkpoint file');
    if (code === 'EISDIR') throw checkpointError(path, 'is a directory, not a checkpoint file');
    throw checkpointError(path, `cannot read (${describe(error)})`);
  }
  let extra: unknown;
  try {
    extra = decodeCheckpoint(bytes, { generator: new Generator() }, path);
  } catch (error) {
    throw checkpointError(path, `not a usable checkpoint: ${describe(error, path)}`);
  }
  const meta = checkMeta(path, extra);
  refuseNonFinite(path, bytes);
  return { path, bytes, meta };
}

/**
 * A diverged run can leave NaN weights behind (a checkpoint saved by an older version, or
 * edited by hand); evaluating or resuming it would only print NaN, so it is refused here.
 */
function refuseNonFinite(path: string, bytes: Uint8Array): void {
  const found = nonFiniteTensors(bytes, readSafetensorsHeader(bytes, path));
  if (found.length === 0) return;
  const first = found[0]!;
  const more = found.length > 1 ? ` and ${found.length - 1} more tensor${found.length > 2 ? 's' : ''}` : '';
  throw checkpointError(
    path,
    `holds non-finite values (NaN or infinity): '${first.name}' has ${first.count} of ${first.size}${more}; the run that saved it diverged, train again with a lower --lr`,
  );
}

/** Load a checkpoint's tensors into `parts` (model, and optimizer/scheduler/RNG when training). */
export function loadIntoRun(checkpoint: TaskCheckpoint, parts: Partial<TrainState> & { generator?: Generator }): void {
  try {
    decodeCheckpoint(checkpoint.bytes, parts, checkpoint.path);
  } catch (error) {
    throw checkpointError(checkpoint.path, `does not fit the run built from its config: ${describe(error, checkpoint.path)}`);
  }
}

/** Save atomically (temporary file + rename), creating the directory on first use. */
export async function writeTaskCheckpoint(path: string, state: TrainState, meta: TaskCheckpointMeta): Promise<void> {
  await makeDirectories(dirname(path));
  await saveCheckpoint(path, { model: state.model, optimizer: state.optimizer, scheduler: state.scheduler, extra: meta });
}
