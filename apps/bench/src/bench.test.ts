// `pnpm bench --quick` end to end through the real CLI and worker processes, checking only that
// the JSON report is well-formed (systems named as specified, ordered finite timings, n ≥ 1, or
// an error string) — never a timing. Plus the workload catalog's shapes and the W7 lengths.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
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
}

describe('pnpm bench --quick', () => {
  it('runs S1 and W4 on the cheap systems and writes a well-formed JSON report', async () => {
    const file = join(directory, 'bench.json');
    const systems = ['recur-cpu', 'tfjs-cpu', 'brainjs', 'torch-cpu'];
    // The table goes to stdout and progress to stderr; keep the test output clean.
    const quiet = [vi.spyOn(process.stdout, 'write').mockReturnValue(true), vi.spyOn(process.stderr, 'write').mockReturnValue(true)];
    let code: number;
    try {
      code = await main(['node', 'recur-bench', '--quick', '--only', 'S1,W4', '--systems', systems.join(','), '--json', file]);
    } finally {
      for (const spy of quiet) spy.mockRestore();
    }
    expect(code).toBe(0);

    const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
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
      expect(report.results.filter((e) => e.variant === spec.variant).map((e) => e.system).sort()).toEqual([...systems].sort());
    }
    // Recur itself must produce timings for plain matmul, or the bench measures nothing.
    const recurS1 = report.results.filter((e) => e.system === 'recur-cpu' && e.workload === 'S1');
    expect(recurS1.every((e) => e.median_ms !== undefined && e.gflops! > 0)).toBe(true);
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
