// The worker's program is the calling thread's program: WORKER_SOURCE, evaluated in a bare
// context (JavaScript's globals and `performance`, no module scope, no require), publishes, claims,
// closes and splits tasks exactly as the calling thread's functions do, and its worker loop
// instantiates the kernels and quits. Were a function of the program to use an import or a module
// constant, it would fail here with a ReferenceError. Jobs: rowsPad × colsPad tiles over K.

import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { taskGrid, taskTile, type TileJob } from './task-grid.js';
import { CONTROL_WORDS, GEN, MAX_TASKS, PACKED, QUIT, READY, TASK_BITS, TICKET } from './thread-protocol.js';
import { PROGRAM_SOURCE, WORKER_SOURCE, program, type TileProgram } from './worker-program.js';
import { WasmRuntime } from './wasm-runtime.js';

/** The program as a worker evaluates it, in a context with nothing but the language's globals. */
function isolatedProgram(): TileProgram {
  const context = createContext({ performance });
  return runInContext(PROGRAM_SOURCE, context) as TileProgram;
}

const control = (): Int32Array => new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));

// Odd shapes: a last row block and a last column slice shorter than the rest, K over several blocks.
const jobs: TileJob[] = [
  { atA: 10, atB: 2000, atC: 90_000, rowsPad: 100, colsPad: 72, K: 37, kcMax: 16, taskRows: 8, taskCols: 16 },
  { atA: 0, atB: 512, atC: 4096, rowsPad: 32, colsPad: 1030, K: 5, kcMax: 256, taskRows: 32, taskCols: 136 },
  { atA: 3, atB: 7, atC: 11, rowsPad: 4, colsPad: 8, K: 1, kcMax: 1, taskRows: 4, taskCols: 8 },
];

describe('worker program', () => {
  it('is the calling thread’s program: the same control words, claims, tiles and kernel calls', () => {
    const worker = isolatedProgram();
    for (const [n, job] of jobs.entries()) {
      const gen = 5 + n;
      const [mine, theirs] = [control(), control()];
      program.publish(mine, gen, job);
      worker.publish(theirs, gen, job);
      expect(Array.from(theirs)).toEqual(Array.from(mine));
      expect(Atomics.load(mine, GEN)).toBe(gen);
      expect(Atomics.load(mine, TICKET)).toBe(gen << TASK_BITS);

      const grid = taskGrid(job);
      const calls = (side: TileProgram, ctl: Int32Array): number[][] => {
        const made: number[][] = [];
        const gemmBlock = (...args: number[]): void => void made.push([t, ...args]);
        let t = side.claim(ctl, gen, grid.count);
        for (; t >= 0; t = side.claim(ctl, gen, grid.count)) side.runTask(gemmBlock, job, taskTile(job, grid, t));
        // Every task handed out, in order, and no claim for another generation.
        expect(side.claim(ctl, gen, grid.count)).toBe(-1);
        return made;
      };
      const made = calls(program, mine);
      expect(calls(worker, theirs)).toEqual(made);
      // One gemmBlock call per task and k block; the tiles cover the staging area once.
      expect(made.length).toBe(grid.count * Math.ceil(job.K / job.kcMax));
      const covered = made.filter((call) => call[8] === 0).reduce((sum, call) => sum + call[4]! * call[5]!, 0);
      expect(covered).toBe(job.rowsPad * job.colsPad);
    }
  });

  it('closes the queue the same way: tasks handed out so far, and no claim after', () => {
    const worker = isolatedProgram();
    const job = jobs[0]!;
    const { count } = taskGrid(job);
    for (const side of [program, worker]) {
      const ctl = control();
      side.publish(ctl, 3, job);
      expect([side.claim(ctl, 3, count), side.claim(ctl, 3, count)]).toEqual([0, 1]);
      expect(side.close(ctl, 3, count)).toBe(2);
      expect(side.claim(ctl, 3, count)).toBe(-1);
      expect(side.close(ctl, 3, count)).toBe(count);
      // A worker holding an older generation claims nothing of this job.
      side.publish(ctl, 4, job);
      expect(side.claim(ctl, 3, count)).toBe(-1);
      expect(side.claim(ctl, 4, count)).toBe(0);
    }
    expect(MAX_TASKS).toBeLessThan(1 << TASK_BITS);
  });

  const runtime = WasmRuntime.create({ shared: true });
  it.skipIf(!runtime?.shared)('runs its worker loop in a bare context: instantiates the kernels, reports ready, quits', () => {
    const ctl = control();
    Atomics.store(ctl, GEN, QUIT);
    Atomics.store(ctl, PACKED, 0);
    isolatedProgram().serve({ module: runtime!.module, memory: runtime!.memory, control: ctl.buffer as SharedArrayBuffer });
    expect(Atomics.load(ctl, READY)).toBe(1);
  });

  it('is a classic script that names the program once, for Node and for Web Workers', () => {
    expect(WORKER_SOURCE.startsWith("'use strict';")).toBe(true);
    expect(WORKER_SOURCE).toContain(PROGRAM_SOURCE);
    expect(WORKER_SOURCE.split('function claim(').length - 1).toBe(1);
    expect(WORKER_SOURCE).not.toMatch(/\bimport\b|__vite|__vi_/);
    // tsup's CommonJS build turns these into calls of helpers a worker does not have.
    expect(PROGRAM_SOURCE).not.toMatch(/\?\.|\?\?/);
  });
});
