// The page's main-thread tasks as a Chrome trace records them (CDP Tracing, category toplevel),
// each with its thread CPU time (tdur): how long the page's own work held its main thread, apart
// from the time a busy machine kept that thread waiting for a core, which a page timer's gaps include.

import type { BrowserContext, Page } from 'playwright-core';

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  /** Wall time and thread CPU time of a complete ('X') event, in µs. */
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

export interface MainThreadTasks {
  /** Top-level tasks run on the renderers' main threads while tracing. */
  readonly tasks: number;
  /** Of those, tasks the trace gave no thread CPU time (0 where the platform has thread clocks). */
  readonly untimed: number;
  /** The longest task by thread CPU time: that time and its wall time, in ms. */
  readonly longestCpuMs: number;
  readonly longestWallMs: number;
}

/** The task every top-level task of a Chromium thread runs in. */
const TASK = 'ThreadControllerImpl::RunTask';

/** Starts tracing `page`'s browser; the function returned ends it and sums up the renderer main threads' tasks. */
export async function traceMainThread(context: BrowserContext, page: Page): Promise<() => Promise<MainThreadTasks>> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel'] }, transferMode: 'ReportEvents' });
  return async () => {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    const thread = (e: TraceEvent): string => `${e.pid}:${e.tid}`;
    const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map(thread));
    const tasks = events.filter((e) => e.ph === 'X' && e.name === TASK && main.has(thread(e)));
    const timed = tasks.filter((e) => e.tdur !== undefined);
    const longest = timed.reduce<TraceEvent | null>((a, e) => (a === null || e.tdur! > a.tdur! ? e : a), null);
    return {
      tasks: tasks.length,
      untimed: tasks.length - timed.length,
      longestCpuMs: (longest?.tdur ?? 0) / 1000,
      longestWallMs: (longest?.dur ?? 0) / 1000,
    };
  };
}
