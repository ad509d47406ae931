// The printed report: one block per case with each system's median / min / max / n (with
// GFLOP/s or the work per iteration and its throughput where known) and the ratio Recur ÷ that
// system (below 1: Recur is faster), then what each system ran with.

import type { SystemName } from './protocol.js';
import type { BenchReport, ResultEntry, SystemReport } from './results.js';
import { WORKLOAD_TITLES } from './workloads.js';
import { formatMs } from './stats.js';

const RECUR_SYSTEMS: readonly SystemName[] = ['recur-cpu', 'recur-webgpu', 'recur-tfjs-wasm', 'recur-tfjs-webgpu'];
/** How workers word a case their library cannot express (worker.ts, torch-peer.py). */
const UNSUPPORTED = 'unsupported: ';
/** torch.mm at 2048³ below this means a slow BLAS is loaded and the peer would flatter Recur. */
export const TORCH_MIN_GFLOPS = 100;

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  if (ratio >= 100) return ratio.toFixed(0);
  if (ratio >= 10) return ratio.toFixed(1);
  if (ratio >= 0.1) return ratio.toFixed(2);
  return ratio.toPrecision(2);
}

/** Counts as they are; else three significant digits for small figures, whole from 100 on: 1.22, 42.5, 1840. */
export function formatAmount(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Number.isInteger(value) || Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The time a peer would take for the whole case (brain.js ran one sequence of the batch). */
function comparable(entry: ResultEntry): number | undefined {
  return entry.median_ms === undefined ? undefined : entry.median_ms * (entry.batch_scale ?? 1);
}

function caseBlock(entries: readonly ResultEntry[]): string[] {
  // A ratio column needs a second timed row to divide by (T1, T2, D1 run on recur-cpu alone).
  const timed = entries.filter((e) => e.median_ms !== undefined).length;
  const recur = RECUR_SYSTEMS.map((system) => entries.find((e) => e.system === system)).filter(
    (e): e is ResultEntry => e?.median_ms !== undefined && timed > 1,
  );
  const withFlops = entries.some((e) => e.gflops !== undefined);
  const withWork = entries.some((e) => e.throughput !== undefined);
  const header = [
    pad('system', 14),
    pad('median', 10, true),
    pad('min', 10, true),
    pad('max', 10, true),
    pad('n', 5, true),
    ...(withFlops ? [pad('GFLOP/s', 9, true)] : []),
    ...(withWork ? [pad('per iteration', 16, true), pad('throughput', 18, true)] : []),
    ...recur.map((r) => pad(`${r.system} ÷`, 16, true)),
  ];
  const lines = [`    ${header.join(' ')}`];
  // Cases a system cannot express are listed once per reason, not as a row each.
  const notApplicable = new Map<string, string[]>();
  for (const entry of entries) {
    if (entry.error?.startsWith(UNSUPPORTED)) {
      const reason = entry.error.slice(UNSUPPORTED.length);
      notApplicable.set(reason, [...(notApplicable.get(reason) ?? []), entry.system]);
      continue;
    }
    if (entry.error !== undefined) {
      const reason = entry.error.length > 100 ? `${entry.error.slice(0, 97)}…` : entry.error;
      lines.push(`    ${pad(entry.system, 14)} error: ${reason}`);
      continue;
    }
    const peerTime = comparable(entry)!;
    const scaled = entry.batch_scale ? ` (×${entry.batch_scale})` : '';
    const cells = [
      pad(entry.system, 14),
      pad(formatMs(entry.median_ms!), 10, true),
      pad(formatMs(entry.min_ms!), 10, true),
      pad(formatMs(entry.max_ms!), 10, true),
      pad(String(entry.n), 5, true),
      ...(withFlops ? [pad(entry.gflops === undefined ? '' : entry.gflops.toFixed(2), 9, true)] : []),
      ...(withWork
        ? [
            pad(entry.work ? `${formatAmount(entry.work.amount)} ${entry.work.unit}` : '', 16, true),
            pad(entry.throughput ? `${formatAmount(entry.throughput.value)} ${entry.throughput.unit}` : '', 18, true),
          ]
        : []),
      ...recur.map((r) => pad(r.system === entry.system ? '' : `${formatRatio(r.median_ms! / peerTime)}${scaled}`, 16, true)),
    ];
    lines.push(`    ${cells.join(' ')}`.trimEnd());
    if (entry.note) lines.push(`    ${' '.repeat(14)} note: ${entry.note}`);
  }
  for (const [reason, systems] of notApplicable) lines.push(`    not run: ${systems.join(', ')} (${reason})`);
  return lines;
}

function describeSystem(system: string, report: SystemReport): string {
  if ('error' in report) return `  ${pad(system, 14)} not available: ${report.error}`;
  const parts = [`${report.version}`];
  if (report.variant) parts.push(String(report.variant));
  if (report.threads !== undefined) parts.push(`${report.threads} thread${report.threads === 1 ? '' : 's'}`);
  if (report.simd !== undefined) parts.push(report.simd ? 'SIMD' : 'no SIMD');
  if (report.adapter) parts.push(`adapter: ${String(report.adapter)}`);
  if (typeof report.mm_gflops_2048 === 'number') {
    const slow = report.mm_gflops_2048 < TORCH_MIN_GFLOPS ? ` — below ${TORCH_MIN_GFLOPS}: slow BLAS or a busy machine, do not trust` : '';
    parts.push(`torch.mm 2048³ ${report.mm_gflops_2048} GFLOP/s${slow}`);
  }
  if (report.omp_wait_policy) parts.push(`OMP_WAIT_POLICY=${String(report.omp_wait_policy)}`);
  if (report.threads_note) parts.push(String(report.threads_note));
  return `  ${pad(system, 14)} ${parts.join(', ')}`;
}

export function formatReport(report: BenchReport): string {
  const lines: string[] = [];
  const { machine } = report;
  lines.push(`Recur bench — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}${machine.quick ? ', QUICK (shrunk shapes)' : ''}`);
  lines.push(
    `Load average at start ${machine.load_average_start.join(' ')}, at end ${machine.load_average_end.join(' ')} (above ${machine.cores}: other work shared the cores).`,
  );
  lines.push('Times are per iteration; "recur-X ÷" is Recur\'s median over that system\'s (below 1: Recur is faster).');
  let lastWorkload = '';
  let lastVariant = '';
  let block: ResultEntry[] = [];
  const flush = () => {
    if (block.length) lines.push(...caseBlock(block));
    block = [];
  };
  for (const entry of report.results) {
    if (entry.workload !== lastWorkload) {
      flush();
      lines.push('', `${entry.workload}  ${WORKLOAD_TITLES[entry.workload]}`);
      lastWorkload = entry.workload;
      lastVariant = '';
    }
    if (entry.variant !== lastVariant) {
      flush();
      lines.push(`  ${entry.variant}`);
      lastVariant = entry.variant;
    }
    block.push(entry);
  }
  flush();
  lines.push('', 'Systems as they ran:');
  for (const [system, systemReport] of Object.entries(machine.systems)) lines.push(describeSystem(system, systemReport!));
  return lines.join('\n');
}
