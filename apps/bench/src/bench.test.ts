// `pnpm bench --quick` end to end through the real CLI and worker processes, checking only that
// the JSON report is well-formed (systems named as specified, ordered finite timings, n ≥ 1, work
// and throughput with units, or an error string) — never a timing. Plus the workload catalog's
// shapes, the W7 lengths and which systems a run starts unasked.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main, parseArgs } from './cli.js';
import { SYSTEMS, WORKLOADS } from './protocol.js';
import type { BenchReport, ResultEntry } from './results.js';
import { buildCases, uniformLengths } from './workloads.js';

const directory = mkdtempSync(join(tmpdir(), 'recur-bench-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function expectWellFormed(entry: ResultEntry): void {
  expect(WORKLOADS).toContain(entry.workload);
  expect(SYSTEMS).toContain(entry.system);
  expect(typeof entry.variant).toBe('string');
  expect(entry.variant.length).toBeGreaterThan(0);
  if (entry.error !== undefined) {
    expect(typeof entry.error).toBe('string');
    expect(entry.error.length).toBeGreaterThan(0);
    expect(entry.median_ms).toBeUndefined();
    return;
  }
  for (const value of [entry.median_ms, entry.min_ms, entry.max_ms]) {
    expect(typeof value).toBe('number');
    expect(Number.isFinite(value)).toBe(true);
    expect(value!).toBeGreaterThanOrEqual(0);
  }
  expect(entry.min_ms!).toBeLessThanOrEqual(entry.median_ms!);
  expect(entry.median_ms!).toBeLessThanOrEqual(entry.max_ms!);
  expect(Number.isInteger(entry.n)).toBe(true);
  expect(entry.n!).toBeGreaterThanOrEqual(1);
  if (entry.throughput !== undefined) {
    expect(entry.work!.amount).toBeGreaterThan(0);
    expect(entry.throughput.unit).toBe(`${entry.work!.unit}/s`);
    expect(Number.isFinite(entry.throughput.value)).toBe(true);
    expect(entry.throughput.value).toBeGreaterThan(0);
  }
}

/** Run the CLI with stdout (the table) and stderr (progress) silenced; the parsed JSON report. */
async function runQuiet(args: readonly string[], file: string): Promise<BenchReport> {
  const quiet = [vi.spyOn(process.stdout, 'write').mockReturnValue(true), vi.spyOn(process.stderr, 'write').mockReturnValue(true)];
  let code: number;
  try {
    code = await main(['node', 'recur-bench', ...args, '--json', file]);
  } finally {
    for (const spy of quiet) spy.mockRestore();
  }
  expect(code).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
}

describe('pnpm bench --quick', () => {
  it('runs S1 and W4 on the cheap systems and writes a well-formed JSON report', async () => {
    const file = join(directory, 'bench.json');
    const systems = ['recur-cpu', 'tfjs-cpu', 'brainjs', 'torch-cpu'];
    const report = await runQuiet(['--quick', '--only', 'S1,W4', '--systems', systems.join(',')], file);

    expect(report.machine.quick).toBe(true);
    expect(report.machine.cores).toBeGreaterThanOrEqual(1);
    expect(Object.keys(report.machine.systems).sort()).toEqual([...systems].sort());
    for (const systemReport of Object.values(report.machine.systems)) {
      expect('error' in systemReport! ? typeof systemReport.error : typeof systemReport!.version).toBe('string');
    }

    // One entry per case and system: S1 has two shapes, W4 forward and train.
    const cases = buildCases(['S1', 'W4'], true);
    expect(report.results).toHaveLength(cases.length * systems.length);
    for (const entry of report.results) expectWellFormed(entry);
    for (const spec of cases) {
      expect(
        report.results
          .filter((e) => e.variant === spec.variant)
          .map((e) => e.system)
          .sort(),
      ).toEqual([...systems].sort());
    }
    // Recur itself must produce timings for plain matmul, or the bench measures nothing.
    const recurS1 = report.results.filter((e) => e.system === 'recur-cpu' && e.workload === 'S1');
    expect(recurS1.every((e) => e.median_ms !== undefined && e.gflops! > 0)).toBe(true);
  });

  it('runs T1, T2 and D1 on recur-cpu with their work and throughput; peers are not run', async () => {
    const file = join(directory, 'text.json');
    const systems = ['recur-cpu', 'brainjs'];
    const report = await runQuiet(['--quick', '--only', 'T1,T2,D1', '--systems', systems.join(',')], file);
    const cases = buildCases(['T1', 'T2', 'D1'], true);
    expect(cases.map((c) => `${c.workload} ${c.key}`)).toEqual(['T1 train', 'T2 encode', 'T2 encode-cold', 'T2 decode', 'D1 epoch']);
    expect(report.results).toHaveLength(cases.length * systems.length);
    for (const entry of report.results) expectWellFormed(entry);
    const units: Record<string, string> = { T1: 'merges', T2: 'MB', D1: 'batches' };
    for (const spec of cases) {
      const entries = report.results.filter((e) => e.variant === spec.variant);
      const recur = entries.find((e) => e.system === 'recur-cpu')!;
      expect(recur.error).toBeUndefined();
      expect(recur.work?.unit).toBe(units[spec.workload]);
      expect(recur.throughput?.unit).toBe(`${units[spec.workload]}/s`);
      expect(entries.find((e) => e.system === 'brainjs')!.error).toMatch(/^unsupported: /);
    }
    // T1 learns the merges its variant names (quick: 300 on a slice of the book).
    const train = report.results.find((e) => e.workload === 'T1' && e.system === 'recur-cpu')!;
    expect(train.variant).toContain(`to ${train.work!.amount} merges`);
  });
});

describe('systems a run starts unasked', () => {
  it('starts only recur-cpu for the text workloads, every system for the rest', () => {
    expect(parseArgs(['node', 'recur-bench', '--only', 'T1,T2,D1']).systems).toEqual(['recur-cpu']);
    expect(parseArgs(['node', 'recur-bench', '--only', 'W4,T1']).systems).toEqual([...SYSTEMS]);
    expect(parseArgs(['node', 'recur-bench', '--only', 'T2', '--systems', 'brainjs']).systems).toEqual(['brainjs']);
  });
});

describe('workload catalog', () => {
  it('covers every workload, with quick shapes marked in the variant', () => {
    const full = buildCases(WORKLOADS, false);
    const quick = buildCases(WORKLOADS, true);
    expect(new Set(full.map((c) => c.workload))).toEqual(new Set(WORKLOADS));
    expect(quick).toHaveLength(full.length - 4); // W6 runs one hidden size instead of three
    expect(quick.every((c) => c.variant.endsWith(', quick'))).toBe(true);
    expect(full.some((c) => c.variant.includes('quick'))).toBe(false);
    const w1 = full.find((c) => c.workload === 'W1' && c.key === 'lstm')!;
    expect(w1.shape).toEqual({ kind: 'rnn-forward', cell: 'lstm', batch: 32, steps: 128, inputSize: 64, hiddenSize: 256 });
  });

  it('draws the same W7 lengths every run, uniform in [16, 128]', () => {
    const lengths = uniformLengths(32, 16, 128);
    expect(uniformLengths(32, 16, 128)).toEqual(lengths);
    expect(lengths.every((n) => Number.isInteger(n) && n >= 16 && n <= 128)).toBe(true);
    expect(new Set(lengths).size).toBeGreaterThan(10);
  });
});
