// @recur/train/node: the fit checkpoint callback with files as its storage (atomic writes:
// temporary file, fsync, rename). Kept out of the main entry so browsers never load node:fs.

import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@recur/tensor/node';
import { checkpoint as checkpointTo, type Checkpoint, type CheckpointOptions } from './fit/checkpoint.js';

/** Checkpoint storage on the file system: an atomic write, and a read that gives null for a missing file. */
export const fileCheckpointIO = {
  async save(path: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(path, bytes);
  },
  async load(path: string): Promise<Uint8Array | null> {
    try {
      const bytes = await readFile(path);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return null;
      throw error;
    }
  },
} as const;

/** `checkpoint` from `@recur/train`, writing and reading files unless `save`/`load` are given. */
export function checkpoint(options: CheckpointOptions): Checkpoint {
  return checkpointTo({ ...fileCheckpointIO, ...options });
}

export type { Checkpoint, CheckpointOptions } from './fit/checkpoint.js';
