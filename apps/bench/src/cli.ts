// `pnpm bench [--only W2,W4] [--quick] [--json FILE] [--systems a,b]`: parses the flags, runs the
// selected workloads on the selected systems through the harness, prints the table (progress
// goes to stderr) and writes the JSON report.

import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { FULL_SETTINGS, Harness, QUICK_SETTINGS } from './harness.js';
import { describeMachine } from './machine.js';
import { SYSTEMS, WORKLOADS, type SystemName, type WorkloadId } from './protocol.js';
import { formatReport } from './report.js';
import type { BenchReport, ResultEntry } from './results.js';
import { QUICK_DEFAULT_SYSTEMS } from './systems.js';
import { buildCases, systemsFor } from './workloads.js';

export interface BenchOptions {
  readonly only: readonly WorkloadId[];
  readonly systems: readonly SystemName[];
  readonly quick: boolean;
  readonly json?: string;
  readonly threads: number;
  readonly python?: string;
  readonly maxIteration?: number;
  readonly verbose: boolean;
}

function listOf<T extends string>(what: string, allowed: readonly T[]) {
  return (value: string): T[] => {
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const wrong = items.filter((item) => !allowed.includes(item as T));
    if (wrong.length) throw new InvalidArgumentError(`unknown ${what} ${wrong.join(', ')} (known: ${allowed.join(', ')})`);
    return items as T[];
  };
}

function positive(value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new InvalidArgumentError(`expected a positive number; got ${value}`);
  return number;
}

/** Parse argv (node, script, …flags) into options; commander exits on --help or bad flags. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const program = new Command('recur-bench')
    .description("Recur's workloads (S1, W1–W7, W10, T1, T2, D1; see the README) on Recur and its peers, interleaved in one run")
    .option('--only <workloads>', `comma-separated workloads (${WORKLOADS.join(', ')})`, listOf('workload', WORKLOADS))
    .option('--systems <systems>', `comma-separated systems (${SYSTEMS.join(', ')})`, listOf('system', SYSTEMS))
    .option('--quick', 'shrunk shapes, a few iterations, cheap systems only: seconds, not minutes', false)
    .option('--json <file>', 'write the machine and all results as JSON')
    .option('--threads <n>', 'threads for PyTorch (and tfjs-wasm where it can thread)', positive, availableParallelism())
    .option('--python <path>', 'the Python that imports torch (default: /usr/bin/python3, then python3)')
    .option('--max-iteration <seconds>', 'stop a system whose single iteration takes longer (default 90, quick 30)', positive)
    .option('--verbose', "show the workers' own output (library banners, warnings)", false);
  program.parse([...argv]);
  const flags = program.opts<{
    only?: WorkloadId[];
    systems?: SystemName[];
    quick: boolean;
    json?: string;
    threads: number;
    python?: string;
    maxIteration?: number;
    verbose: boolean;
  }>();
  const only = flags.only ?? [...WORKLOADS];
  return {
    only,
    // Unasked, start only systems that run some selected case (`--only T1,T2,D1`: recur-cpu alone).
    systems: flags.systems ?? systemsFor(only, flags.quick ? QUICK_DEFAULT_SYSTEMS : SYSTEMS),
    quick: flags.quick,
    json: flags.json,
    threads: Math.floor(flags.threads),
    python: flags.python,
    maxIteration: flags.maxIteration,
    verbose: flags.verbose,
  };
}

export async function runBench(
  options: BenchOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<BenchReport> {
  const base = options.quick ? QUICK_SETTINGS : FULL_SETTINGS;
  const settings = options.maxIteration ? { ...base, maxIterationSeconds: options.maxIteration } : base;
  const loadAtStart = loadavg();
  const harness = new Harness({ ...options, settings, log });
  const results: ResultEntry[] = [];
  // On Ctrl-C take the workers down too, then die of the same signal.
  const stop = (signal: NodeJS.Signals) => {
    harness.kill();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    log(`starting ${options.systems.join(', ')}`);
    await harness.start();
    for (const spec of buildCases(options.only, options.quick)) results.push(...(await harness.runCase(spec)));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await harness.close();
  }
  const machine = describeMachine({ quick: options.quick, threads: options.threads, systems: harness.reports(), settings, loadAtStart });
  return { machine, results };
}

/** The CLI: returns the exit code (0 whenever the run finished, whatever peers failed). */
export async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  const report = await runBench(options);
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`wrote ${options.json}\n`);
  }
  return 0;
}
