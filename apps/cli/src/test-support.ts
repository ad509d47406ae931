// Helpers for the CLI tests: run `main` in-process with captured output, temporary folders,
// and the command line that runs the CLI from source in a child process (no build needed).

import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main } from './main.js';

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON lines. */
  readonly events: Record<string, unknown>[];
}

export async function runCli(argv: readonly string[], options: { stdin?: string; cwd?: string } = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    readStdin: async () => options.stdin ?? '',
    signal: new AbortController().signal,
    cwd: options.cwd ?? process.cwd(),
  });
  const events = argv.includes('--json')
    ? stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    : [];
  return { code, stdout, stderr, events };
}

const made: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'recur-cli-'));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** node arguments that run src/index.ts through tsx with the workspace's source condition. */
export function sourceCliArgs(): string[] {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const loader = join(tsx, '..', 'esm', 'index.mjs');
  return ['--conditions=@recur/source', '--import', pathToFileURL(loader).href, fileURLToPath(new URL('./index.ts', import.meta.url))];
}
