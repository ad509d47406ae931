// Where the CLI reads and writes: the process's streams for the binary, buffers in tests.
// Progress and notes go to stderr; results (tables, JSON events, predictions) to stdout.

import { createInterface } from 'node:readline';

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readStdin(): Promise<string>;
  /** Standard input line by line, as it arrives (`recur stream`); without it, readStdin is split. */
  stdinLines?(): AsyncIterable<string>;
  /** Aborted on Ctrl-C; training saves a checkpoint and `main` returns 130. */
  readonly signal: AbortSignal;
  /** Told when Ctrl-C should stop training gracefully (true) or end the process at once (false). */
  setInterruptible?(interruptible: boolean): void;
  /** Directory relative paths resolve against. */
  readonly cwd: string;
}

export async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text;
}

export function processIo(signal: AbortSignal): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => readAll(process.stdin),
    stdinLines: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
    signal,
    cwd: process.cwd(),
  };
}
