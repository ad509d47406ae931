// Node.js file helpers (entry `@recur/tensor/node`, kept out of the browser entry): atomic
// writes (temporary file, fsync, rename), reads whose failures are typed errors naming the
// path, and safetensors files on disk.

import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FormatError, ValueError } from '@recur/backend';
import { parseSafetensors, serializeSafetensors, type LoadedSafetensors } from './safetensors.js';
import type { CreateOptions } from './creation.js';
import type { Tensor } from './tensor.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory, expected a file',
  ENOTDIR: 'a component of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * The FormatError for a failed read of `path` (Node's own ENOENT/EISDIR messages may lack the
 * path); the original error is kept as `cause`. Errors without an errno code pass through.
 */
export function fileReadError(path: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const reason = REASONS[code] ?? (error as Error).message;
  return Object.assign(new FormatError(`${path}: cannot read the file: ${reason} (${code})`), { cause: error });
}

/** The bytes of the file at `path`; a missing or unreadable file is a FormatError naming it. */
export async function readFileBytes(path: string): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof path !== 'string' || path === '') {
    throw new ValueError(
      `readFileBytes: expected a file path (a non-empty string); got ${path === '' ? 'an empty string' : path === null ? 'null' : typeof path}`,
    );
  }
  try {
    const bytes = await readFile(path);
    return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    throw fileReadError(path, error);
  }
}

/** A temporary file of an interrupted save is stale after this long without a write. */
export const STALE_TEMPORARY_MS = 60 * 60 * 1000;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Remove the temporary files that killed saves of `path` left behind (`.<name>.<pid>.<hex>.tmp`):
 * those whose writer process is gone, or untouched for STALE_TEMPORARY_MS (a writer on another
 * machine sharing the directory). A live writer's file is left alone. Best effort: errors are ignored.
 */
export async function removeStaleTemporaries(path: string, now = Date.now()): Promise<string[]> {
  const directory = dirname(path);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  const names = await readdir(directory).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const file = join(directory, name);
    const pid = Number(match[1]);
    let stale = pid !== process.pid && !processAlive(pid);
    if (!stale) {
      const info = await stat(file).catch(() => null);
      stale = info !== null && now - info.mtimeMs > STALE_TEMPORARY_MS;
    }
    if (
      stale &&
      (await rm(file, { force: true }).then(
        () => true,
        () => false,
      ))
    )
      removed.push(file);
  }
  return removed;
}

/**
 * Write `bytes` to `path` so that readers see either the old file or the whole new one: the
 * data goes to a temporary file in the same directory, is flushed to disk, then renamed over.
 * Temporary files of earlier saves of `path` that were killed mid-write are removed first.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await removeStaleTemporaries(path);
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

/** Load a safetensors file; a missing, unreadable or malformed file is a FormatError naming `path`. */
export async function loadSafetensorsFile(path: string, options: Pick<CreateOptions, 'backend'> = {}): Promise<LoadedSafetensors> {
  return parseSafetensors(await readFileBytes(path), { ...options, source: path });
}
