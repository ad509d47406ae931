// The harness's handle on one system's worker process: a Node fork speaking over IPC, or the
// Python peer speaking JSON lines on stdio. One request at a time, each with a deadline; a
// deadline missed kills the process, so a hung or crawling peer costs at most that long.

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Reply, Request, SystemName } from './protocol.js';

export interface Launch {
  readonly kind: 'node' | 'python';
  /** Node: the worker module; Python: the interpreter. */
  readonly command: string;
  readonly args: readonly string[];
  /** Node only: flags for the worker's V8 (GC flags for Dawn, tsx in source mode). */
  readonly execArgv?: readonly string[];
  readonly cwd?: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A request that failed: `stopped` when the deadline killed the process. */
export class WorkerError extends Error {
  constructor(
    message: string,
    readonly stopped = false,
  ) {
    super(message);
  }
}

const OUTPUT_TAIL = 2000;

export class WorkerProcess {
  private child: ChildProcess | undefined;
  private pending: { resolve(reply: Reply): void; reject(error: Error): void } | undefined;
  private output = '';
  private exited = false;

  constructor(
    readonly system: SystemName,
    private readonly launch: Launch,
    private readonly verbose: boolean,
  ) {}

  get alive(): boolean {
    return this.child !== undefined && !this.exited;
  }

  start(): void {
    const { launch } = this;
    const child =
      launch.kind === 'node'
        ? fork(launch.command, [...launch.args], {
            execArgv: [...(launch.execArgv ?? [])],
            cwd: launch.cwd,
            env: launch.env,
            stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
            serialization: 'json',
          })
        : spawn(launch.command, [...launch.args], { env: launch.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = false;
    // Library chatter (tfjs banners, Dawn warnings) is kept for error messages, shown with --verbose.
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output = (this.output + text).slice(-OUTPUT_TAIL);
      if (this.verbose) process.stderr.write(text.replace(/^(?=.)/gm, `[${this.system}] `));
    };
    child.stderr?.on('data', keep);
    if (launch.kind === 'node') {
      child.stdout?.on('data', keep);
      child.on('message', (reply: Reply) => this.settle(reply));
    } else {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.trim()) return;
        try {
          this.settle(JSON.parse(line) as Reply);
        } catch {
          keep(Buffer.from(`${line}\n`));
        }
      });
    }
    child.on('error', (error) => this.fail(new WorkerError(`${this.system}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      this.exited = true;
      const tail = this.output.trim().split('\n').slice(-3).join(' | ');
      this.fail(new WorkerError(`worker exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`));
    });
  }

  private settle(reply: Reply): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(reply);
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  /** Send one request; rejects on timeout (and kills the worker), crash, or an error reply. */
  request(request: Request, timeoutMs: number): Promise<Reply & { ok: true }> {
    if (!this.alive) return Promise.reject(new WorkerError('worker is not running'));
    if (this.pending) return Promise.reject(new WorkerError('a request is already in flight'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new WorkerError(`stopped after ${Math.round(timeoutMs / 1000)} s`, true));
        this.kill();
      }, timeoutMs);
      this.pending = {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.ok) resolve(reply);
          else reject(new WorkerError(reply.error));
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (this.launch.kind === 'node') this.child!.send(request);
      else this.child!.stdin!.write(`${JSON.stringify(request)}\n`);
    });
  }

  kill(): void {
    if (this.child && !this.exited) this.child.kill('SIGKILL');
  }

  /** Ask politely (close IPC / stdin) and make sure it is gone shortly after. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (this.launch.kind === 'node') child.disconnect?.();
    else child.stdin?.end();
    const timer = setTimeout(() => this.kill(), 3000);
    await gone;
    clearTimeout(timer);
  }
}
