// Node.js file helpers (entry `@recur/tensor/node`, kept out of the browser entry): atomic
// writes (temporary file, fsync, rename) and safetensors files on disk.

import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseSafetensors, serializeSafetensors, type LoadedSafetensors } from './safetensors.js';
import type { CreateOptions } from './creation.js';
import type { Tensor } from './tensor.js';

/**
 * Write `bytes` to `path` so that readers see either the old file or the whole new one: the
 * data goes to a temporary file in the same directory, is flushed to disk, then renamed over.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  // Persist the rename itself; some filesystems refuse fsync on a directory, which is harmless.
  const directory = await open(dirname(path), 'r').catch(() => null);
  await directory?.sync().catch(() => undefined);
  await directory?.close();
}

export async function saveSafetensorsFile(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  await writeFileAtomic(path, await serializeSafetensors(tensors, metadata));
}

export async function loadSafetensorsFile(path: string, options: Pick<CreateOptions, 'backend'> = {}): Promise<LoadedSafetensors> {
  const bytes = await readFile(path);
  return parseSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { ...options, source: path });
}
