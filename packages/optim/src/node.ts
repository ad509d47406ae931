// Node.js checkpoint files (entry `@recur/optim/node`): atomic saves (temporary file, fsync,
// rename), so a crash mid-save leaves the previous checkpoint loadable.

import { readFileBytes, writeFileAtomic } from '@recur/tensor/node';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointParts } from './checkpoint.js';

export async function saveCheckpoint(path: string, parts: CheckpointParts): Promise<void> {
  await writeFileAtomic(path, await encodeCheckpoint(parts));
}

/** Load `path` into the given objects; returns the `extra` saved with it. A missing or bad file is a FormatError naming it. */
export async function loadCheckpoint(path: string, parts: Omit<CheckpointParts, 'extra'>): Promise<unknown> {
  return decodeCheckpoint(await readFileBytes(path), parts, path);
}

export { writeFileAtomic };
