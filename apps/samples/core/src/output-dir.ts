// A run's output directory, checked and created before training starts, so that a bad `--out`
// fails in a second with one message instead of after an epoch. Directories are made one level
// at a time: Node's recursive mkdir loops for ever where mkdir answers ENOENT under an existing
// parent (/proc, /sys), and pseudo filesystems like those are refused outright.

import { mkdir, rmdir, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { OutputDirError } from './errors.js';

/** statfs(2) `f_type` magic numbers of Linux filesystems that hold no ordinary files. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x0027e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x65735543, 'fusectl'],
  [0x1cd1, 'devpts'],
]);

const codeOf = (error: unknown): string => (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));

/** The nearest existing ancestor of `path` (or `path` itself) and the directories missing below it, top first. */
async function nearestExisting(path: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) {
        throw new OutputDirError(
          current === path
            ? `output directory ${path} exists and is not a directory`
            : `output directory ${path} cannot be created: ${current} is a file, not a directory`,
        );
      }
      return { existing: current, missing };
    } catch (error) {
      if (error instanceof OutputDirError) throw error;
      const code = codeOf(error);
      // ENOTDIR: a file further up; keep walking, the walk stops at it with the message above.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(current) === current) {
        throw new OutputDirError(`output directory ${path}: cannot look at ${current} (${code})`);
      }
      missing.unshift(current);
    }
  }
}

async function refusePseudoFilesystem(path: string, existing: string): Promise<void> {
  let type: number;
  try {
    type = Number((await statfs(existing)).type);
  } catch {
    return; // No statfs here (or not allowed): the write probe below still decides.
  }
  const name = PSEUDO_FILESYSTEMS.get(type);
  if (name)
    throw new OutputDirError(
      `output directory ${path}: ${existing} is on the ${name} pseudo filesystem, which holds no ordinary files; choose a directory on a disk`,
    );
}

/** Remove the directories `prepareOutputDir` made, deepest first, where they are still empty. */
export async function removeEmptyDirectories(created: readonly string[]): Promise<void> {
  for (const dir of [...created].reverse()) {
    try {
      await rmdir(dir);
    } catch {
      return; // Not empty (the run wrote something) or gone: keep it and everything above.
    }
  }
}

/**
 * Create `dir` and its missing parents one level at a time (never looping where mkdir -p
 * would); returns the directories it made, top first. Throws OutputDirError naming the path.
 */
export async function makeDirectories(dir: string): Promise<string[]> {
  const path = resolve(dir);
  const { existing, missing } = await nearestExisting(path);
  await refusePseudoFilesystem(path, existing);
  const created: string[] = [];
  try {
    for (const next of missing) {
      try {
        await mkdir(next);
        created.push(next);
      } catch (error) {
        const code = codeOf(error);
        if (code !== 'EEXIST' || !(await stat(next)).isDirectory())
          throw new OutputDirError(`output directory ${path}: cannot create ${next} (${code})`);
      }
    }
  } catch (error) {
    await removeEmptyDirectories(created);
    throw error;
  }
  return created;
}

/**
 * Make sure `dir` is a directory this process can write files in, creating it when needed, by
 * writing and removing a probe file. Returns the directories it created, top first. Throws
 * OutputDirError naming the path and the reason; nothing it created is left behind then.
 */
export async function prepareOutputDir(dir: string): Promise<string[]> {
  const path = resolve(dir);
  const created = await makeDirectories(path);
  const probe = join(path, `.recur-write-test-${process.pid}`);
  try {
    await writeFile(probe, '');
    await unlink(probe);
  } catch (error) {
    await removeEmptyDirectories(created);
    throw new OutputDirError(`output directory ${path} is not writable (${codeOf(error)})`);
  }
  return created;
}
