// The fuzz loop shared by every loader test: N seeded cases, each either loads or throws the
// loader's typed error; anything else (a TypeError, a RangeError from the stack, a case slower
// than the limit) is a failure reported with the seed that re-runs it alone.

import { FuzzRandom, caseSeed } from './random.js';

/** Cases per loader: RECUR_FUZZ_RUNS when set (e.g. 200000 for a long run), else `ciDefault`. */
export function fuzzRuns(ciDefault = 5000): number {
  const text = typeof process === 'undefined' ? undefined : process.env.RECUR_FUZZ_RUNS;
  if (text === undefined || text === '') return ciDefault;
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs <= 0) throw new Error(`RECUR_FUZZ_RUNS must be a positive integer; got ${JSON.stringify(text)}`);
  return runs;
}

/** The base seed: RECUR_FUZZ_SEED when set (to explore other cases), else a fixed one so CI is reproducible. */
export function fuzzSeed(fallback = 20261206): number {
  const text = typeof process === 'undefined' ? undefined : process.env.RECUR_FUZZ_SEED;
  if (text === undefined || text === '') return fallback;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`RECUR_FUZZ_SEED must be a non-negative integer; got ${JSON.stringify(text)}`);
  return seed >>> 0;
}

/** Milliseconds a test that runs `runs` cases may take: the CI budget scaled, for vitest's timeout. */
export function fuzzTimeout(runs: number, msPerCase = 2): number {
  return Math.max(30_000, runs * msPerCase * 10);
}

export interface FuzzCase<I> {
  readonly input: I;
  /** What was done to the seed input, for the failure report. */
  readonly mutations: readonly string[];
}

export interface FuzzOptions<I> {
  /** Names the loader in the one-line summary printed at the end (none when absent). */
  readonly name?: string;
  readonly runs: number;
  readonly seed: number;
  /** Build case `index` from its own random source. */
  generate(rng: FuzzRandom, index: number): FuzzCase<I>;
  /** Load the input (and use what loaded); return normally or throw. */
  load(input: I, rng: FuzzRandom): unknown;
  /** Whether a thrown error is the loader's typed error. */
  accept(error: unknown): boolean;
  /** A case slower than this is a failure (a hang in the making). Default 5000 ms: generous, as CI machines are busy. */
  readonly maxCaseMs?: number;
  /** A short rendering of an input for the report. */
  show?(input: I): string;
}

export interface FuzzFailure {
  readonly index: number;
  /** Re-run alone: generate(new FuzzRandom(caseSeed), index). */
  readonly caseSeed: number;
  readonly mutations: readonly string[];
  readonly problem: string;
  readonly input: string;
}

export interface FuzzReport {
  readonly runs: number;
  /** Cases that loaded. */
  readonly loaded: number;
  /** Cases refused with the typed error. */
  readonly refused: number;
  readonly failures: readonly FuzzFailure[];
  /** The slowest case, in ms. */
  readonly slowestMs: number;
  /** CPU time of the whole loop (user + system), in ms: a figure a busy machine inflates less than wall time. */
  readonly cpuMs: number;
}

const MAX_REPORTED = 10;

function showError(error: unknown): string {
  if (error instanceof Error)
    return `${error.constructor.name}: ${error.message.slice(0, 300)}\n${(error.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
  return `non-Error thrown: ${String(error).slice(0, 200)}`;
}

function defaultShow(input: unknown): string {
  if (input instanceof Uint8Array) return `${input.length} bytes: ${new TextDecoder().decode(input.subarray(0, 200))}`;
  if (typeof input === 'string') return `${input.length} chars: ${input.slice(0, 200)}`;
  return String(input).slice(0, 200);
}

/** Run the cases; the caller asserts on the report (no failures, both outcomes seen). */
export async function fuzz<I>(options: FuzzOptions<I>): Promise<FuzzReport> {
  const maxCaseMs = options.maxCaseMs ?? 5000;
  const show = options.show ?? defaultShow;
  const failures: FuzzFailure[] = [];
  let loaded = 0;
  let refused = 0;
  let slowestMs = 0;
  const cpuStart = process.cpuUsage();
  for (let index = 0; index < options.runs; index++) {
    const seed = caseSeed(options.seed, index);
    const rng = new FuzzRandom(seed);
    const { input, mutations } = options.generate(rng, index);
    const started = performance.now();
    let problem: string | undefined;
    try {
      const result = options.load(input, rng);
      if (result instanceof Promise) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new HangError(`no result after ${maxCaseMs * 5} ms`)), maxCaseMs * 5);
        });
        try {
          await Promise.race([result, timeout]);
        } finally {
          clearTimeout(timer);
        }
      }
      loaded++;
    } catch (error) {
      if (!(error instanceof HangError) && options.accept(error)) refused++;
      else problem = showError(error);
    }
    const elapsed = performance.now() - started;
    slowestMs = Math.max(slowestMs, elapsed);
    if (problem === undefined && elapsed > maxCaseMs) problem = `took ${elapsed.toFixed(0)} ms (limit ${maxCaseMs} ms)`;
    if (problem !== undefined) {
      failures.push({ index, caseSeed: seed, mutations, problem, input: show(input) });
      if (failures.length >= MAX_REPORTED) break;
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  const report = { runs: options.runs, loaded, refused, failures, slowestMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  if (options.name !== undefined) {
    console.info(
      `fuzz ${options.name}: ${report.runs} cases (seed ${options.seed}), ${loaded} loaded, ${refused} refused, ` +
        `${failures.length} failed; cpu ${report.cpuMs.toFixed(0)} ms, slowest case ${slowestMs.toFixed(1)} ms`,
    );
  }
  return report;
}

class HangError extends Error {}

/** The report as text for an assertion message. */
export function formatFailures(report: FuzzReport): string {
  return report.failures
    .map((f) => `case ${f.index} (caseSeed ${f.caseSeed}; ${f.mutations.join(', ')}):\n  ${f.problem}\n  input ${f.input}`)
    .join('\n\n');
}
