// The run itself: for each case, set up every system, warm each up, then measure them in
// interleaved rounds (so drift in a shared machine's load hits all alike), and summarize. A
// system far slower than the rest takes fewer samples (`n`), so a full run stays near 20 minutes.

import type { CaseSpec, SystemInfo, SystemName, Work } from './protocol.js';
import type { ResultEntry, SystemReport } from './results.js';
import { formatMs, median, summarize } from './stats.js';
import { launchFor } from './systems.js';
import { WorkerError, WorkerProcess } from './worker-process.js';

export interface ScheduleSettings {
  /** Warm up until this much time and `minWarmup` iterations have passed … */
  readonly warmupSeconds: number;
  readonly minWarmup: number;
  /** … except that one iteration slower than this is warm-up enough. */
  readonly slowIterationSeconds: number;
  /** Aim for this much measured time per cell, within [minSamples, maxSamples] … */
  readonly measureSeconds: number;
  readonly minSamples: number;
  readonly maxSamples: number;
  /** … but never plan more than this per cell: slow peers get fewer samples (at least 1). */
  readonly maxCellSeconds: number;
  /** One iteration past this is stopped (the worker killed) and the cell gets an error. */
  readonly maxIterationSeconds: number;
  /** Measured rounds over which a cell's samples are spread, interleaved with the other systems. */
  readonly rounds: number;
}

export const FULL_SETTINGS: ScheduleSettings = {
  warmupSeconds: 1,
  minWarmup: 2,
  slowIterationSeconds: 2,
  measureSeconds: 3,
  minSamples: 5,
  maxSamples: 200,
  maxCellSeconds: 20,
  maxIterationSeconds: 90,
  rounds: 5,
};

export const QUICK_SETTINGS: ScheduleSettings = {
  warmupSeconds: 0.02,
  minWarmup: 1,
  slowIterationSeconds: 0.5,
  measureSeconds: 0.05,
  minSamples: 2,
  maxSamples: 5,
  maxCellSeconds: 2,
  maxIterationSeconds: 30,
  rounds: 2,
};

export interface HarnessOptions {
  readonly systems: readonly SystemName[];
  readonly threads: number;
  readonly python?: string;
  readonly quick: boolean;
  readonly verbose: boolean;
  readonly settings: ScheduleSettings;
  readonly log: (line: string) => void;
}

const INIT_SECONDS = 180;
const SETUP_SECONDS = 180;

interface Slot {
  readonly system: SystemName;
  worker?: WorkerProcess;
  /** Why the system cannot run at all (no torch, no adapter, init failed). */
  error?: string;
  info?: SystemInfo;
}

/** Per case and system, while the case runs. */
interface Cell {
  readonly slot: Slot;
  times: number[];
  estimate?: number;
  planned: number;
  batchScale?: number;
  error?: string;
  /** From setup (what the case was set up with), and from the latest run (live tensors grew). */
  setupNote?: string;
  note?: string;
  work?: Work;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Harness {
  private readonly slots: Slot[];

  constructor(private readonly options: HarnessOptions) {
    this.slots = options.systems.map((system) => ({ system }));
  }

  /** Start every worker and collect what each system reports about itself. */
  async start(): Promise<void> {
    for (const slot of this.slots) await this.ensure(slot);
  }

  reports(): Partial<Record<SystemName, SystemReport>> {
    return Object.fromEntries(this.slots.map((slot) => [slot.system, slot.info ?? { error: slot.error ?? 'not started' }]));
  }

  /** A live, initialised worker for the slot (restarted after a kill or crash), or false. */
  private async ensure(slot: Slot): Promise<boolean> {
    if (slot.worker?.alive) return true;
    if (slot.error && !slot.info) return false;
    const launch = launchFor(slot.system, this.options);
    if ('error' in launch) {
      slot.error = launch.error;
      return false;
    }
    const worker = new WorkerProcess(slot.system, launch, this.options.verbose);
    worker.start();
    try {
      const reply = await worker.request({ type: 'init', threads: this.options.threads, quick: this.options.quick }, INIT_SECONDS * 1000);
      slot.worker = worker;
      slot.info ??= reply.info;
      return true;
    } catch (error) {
      worker.kill();
      slot.error = errorText(error);
      this.options.log(`  ${slot.system}: not available: ${slot.error}`);
      return false;
    }
  }

  private timeoutFor(cell: Cell, count: number): number {
    const { maxIterationSeconds } = this.options.settings;
    const capped = count * maxIterationSeconds * 1000;
    const limit = cell.estimate === undefined ? capped : Math.min(capped, Math.max(count * cell.estimate * 4, 10_000));
    return limit + 10_000;
  }

  private async runBatch(cell: Cell, count: number): Promise<number[]> {
    const reply = await cell.slot.worker!.request({ type: 'run', count }, this.timeoutFor(cell, count));
    if (reply.note) cell.note = reply.note;
    if (reply.work) cell.work = reply.work;
    return [...(reply.times ?? [])];
  }

  private async warmUp(cell: Cell): Promise<void> {
    const { warmupSeconds, minWarmup, slowIterationSeconds } = this.options.settings;
    let spent = 0;
    let iterations = 0;
    let count = 1;
    for (;;) {
      const times = await this.runBatch(cell, count);
      spent += times.reduce((a, b) => a + b, 0);
      iterations += times.length;
      cell.estimate = median(times);
      if (iterations === 1 && times[0]! > slowIterationSeconds * 1000) break;
      if (iterations >= minWarmup && spent >= warmupSeconds * 1000) break;
      // Double the batch, but not past the rest of the warm-up budget.
      const left = Math.max(1, Math.ceil((warmupSeconds * 1000 - spent) / Math.max(cell.estimate, 1e-3)));
      count = Math.max(1, Math.min(count * 2, left));
    }
  }

  private plan(cell: Cell): number {
    const { measureSeconds, minSamples, maxSamples, maxCellSeconds } = this.options.settings;
    const estimate = Math.max(cell.estimate!, 1e-3);
    let n = Math.min(maxSamples, Math.max(minSamples, Math.round((measureSeconds * 1000) / estimate)));
    if (n * estimate > maxCellSeconds * 1000) n = Math.max(1, Math.floor((maxCellSeconds * 1000) / estimate));
    return n;
  }

  /** A failed request: the cell keeps its error; a killed worker restarts at the next case. */
  private fault(cell: Cell, error: unknown): void {
    cell.error = errorText(error);
    if (error instanceof WorkerError && error.stopped)
      cell.error += ` (one iteration is allowed ${this.options.settings.maxIterationSeconds} s)`;
  }

  async runCase(spec: CaseSpec): Promise<ResultEntry[]> {
    const { log, settings } = this.options;
    log(`${spec.workload} ${spec.key}: ${spec.variant}`);
    const cells: Cell[] = [];
    for (const slot of this.slots) {
      const cell: Cell = { slot, times: [], planned: 0 };
      cells.push(cell);
      if (spec.systems && !spec.systems.includes(slot.system)) {
        cell.error = `unsupported: ${spec.unsupported ?? `only ${spec.systems.join(', ')} run this case`}`;
        continue;
      }
      if (!(await this.ensure(slot))) {
        cell.error = slot.error ?? 'not available';
        continue;
      }
      try {
        const reply = await slot.worker!.request({ type: 'setup', spec }, SETUP_SECONDS * 1000);
        cell.batchScale = reply.batchScale;
        cell.setupNote = reply.note;
      } catch (error) {
        this.fault(cell, error);
      }
    }

    const ready = () => cells.filter((cell) => !cell.error);
    for (const cell of ready()) {
      try {
        await this.warmUp(cell);
        cell.planned = this.plan(cell);
        log(
          `  ${cell.slot.system.padEnd(12)} ~${formatMs(cell.estimate!)} per iteration, ${cell.planned} sample${cell.planned > 1 ? 's' : ''}`,
        );
      } catch (error) {
        this.fault(cell, error);
      }
    }

    // Interleave: every round gives each system its share, starting with a different system.
    const measuring = ready();
    for (let round = 0; measuring.some((cell) => !cell.error && cell.times.length < cell.planned); round++) {
      const order = measuring.map((_, i) => measuring[(i + round) % measuring.length]!);
      for (const cell of order) {
        const left = cell.planned - cell.times.length;
        if (cell.error || left <= 0) continue;
        try {
          cell.times.push(...(await this.runBatch(cell, Math.min(left, Math.ceil(cell.planned / settings.rounds)))));
        } catch (error) {
          this.fault(cell, error);
        }
      }
    }

    for (const cell of cells) {
      if (cell.slot.worker?.alive) await cell.slot.worker.request({ type: 'teardown' }, SETUP_SECONDS * 1000).catch(() => undefined);
    }
    return cells.map((cell) => entryOf(spec, cell));
  }

  /** Stop every worker at once (Ctrl-C): one busy in a long iteration cannot answer a request. */
  kill(): void {
    for (const slot of this.slots) slot.worker?.kill();
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker?.close()));
  }
}

function entryOf(spec: CaseSpec, cell: Cell): ResultEntry {
  const base = { workload: spec.workload, system: cell.slot.system, variant: spec.variant };
  // A cell stopped part-way keeps the samples it finished; with none it is an error entry.
  if (cell.times.length === 0) return { ...base, error: cell.error ?? 'no samples' };
  const summary = summarize(cell.times);
  const work = cell.work;
  const notes = [cell.setupNote, cell.note, cell.error].filter(Boolean);
  return {
    ...base,
    median_ms: summary.median,
    min_ms: summary.min,
    max_ms: summary.max,
    n: summary.n,
    // A system that ran part of the batch did that part of the FLOPs.
    ...(spec.flops ? { gflops: spec.flops / ((cell.batchScale ?? 1) * summary.median * 1e6) } : {}),
    ...(cell.batchScale && cell.batchScale !== 1 ? { batch_scale: cell.batchScale } : {}),
    // Work per iteration over the median time: MB/s, merges/s, batches/s.
    ...(work ? { work, throughput: { value: work.amount / (summary.median / 1000), unit: `${work.unit}/s` } } : {}),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
