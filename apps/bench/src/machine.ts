// The `machine` section of a report: what the numbers were measured on (CPU, cores, memory,
// load at the start, Node), with the run's settings and each system's own account of itself.

import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import type { MachineReport, SystemReport } from './results.js';
import type { SystemName } from './protocol.js';

export interface MachineOptions {
  readonly quick: boolean;
  readonly threads: number;
  readonly systems: Partial<Record<SystemName, SystemReport>>;
  readonly settings: object;
  /** loadavg() when the run started; the end's is taken here. */
  readonly loadAtStart: readonly number[];
}

const rounded = (values: readonly number[]) => values.map((value) => Math.round(value * 100) / 100);

export function describeMachine(options: MachineOptions): MachineReport {
  return {
    date: new Date().toISOString(),
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memory_gib: Math.round(totalmem() / 2 ** 30),
    // A shared machine's load explains a lot of spread; it is recorded, not corrected for.
    load_average_start: rounded(options.loadAtStart),
    load_average_end: rounded(loadavg()),
    quick: options.quick,
    threads: options.threads,
    settings: options.settings,
    systems: options.systems,
  };
}
