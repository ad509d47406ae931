// The shape of what a run produces, as written by `--json FILE`: the machine and the systems'
// own reports, then one entry per (workload, case, system) with timings or an error.

import type { SystemInfo, SystemName, WorkloadId, Work } from './protocol.js';

export interface ResultEntry {
  readonly workload: WorkloadId;
  readonly system: SystemName;
  /** The case and its shape, e.g. "LSTM B32 T128 I64 H256" (", quick" when shrunk). */
  readonly variant: string;
  readonly median_ms?: number;
  readonly min_ms?: number;
  readonly max_ms?: number;
  readonly n?: number;
  /** Why the system has no timings for this case; present instead of the four above. */
  readonly error?: string;
  /** S1: GFLOP/s at the median. */
  readonly gflops?: number;
  /** The system ran 1/batch_scale of the batch (brain.js: one sequence); ratios use batch_scale × median. */
  readonly batch_scale?: number;
  /** T1, T2, D1: what one iteration processed, e.g. { amount: 1.22, unit: 'MB' } (MB = 10⁶ bytes). */
  readonly work?: Work;
  /** work.amount per second at the median, e.g. { value: 3.1, unit: 'MB/s' }; 'merges/s', 'batches/s'. */
  readonly throughput?: { readonly value: number; readonly unit: string };
  /** Something the reader should know about this cell (e.g. live tensors grew). */
  readonly note?: string;
}

export type SystemReport = SystemInfo | { readonly error: string };

export interface MachineReport {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gib: number;
  /** 1, 5 and 15-minute load averages when the run started and ended (2 cores: above 2 is contention). */
  readonly load_average_start: readonly number[];
  readonly load_average_end: readonly number[];
  readonly quick: boolean;
  readonly threads: number;
  readonly systems: Partial<Record<SystemName, SystemReport>>;
  readonly [detail: string]: unknown;
}

export interface BenchReport {
  readonly machine: MachineReport;
  readonly results: readonly ResultEntry[];
}
