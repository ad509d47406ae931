// The messages between fitInWorker (the page, or Node's main thread) and serveFit (the worker).
// Every message carries `recurFit: 1` and the run's `id`, so a worker may answer other messages
// of its own (a demo's "classify this name") and several runs never mix.

import type { ProgressEvent } from '../fit/progress.js';
import type { EarlyStoppingOptions } from '../fit/early-stopping.js';
import type { Mode } from '../fit/monitor.js';
import type { TerminateOnNonFiniteOptions } from '../fit/non-finite.js';
import type { Logs } from '../fit/types.js';

/** The tag of fit messages. */
export const TAG = 'recurFit';

/** The fit options that cross the boundary as data (functions stay in the worker's task). */
export interface WireFitOptions {
  readonly epochs?: number;
  readonly clipGradNorm?: number;
  readonly earlyStopping?: EarlyStoppingOptions;
  readonly terminateOnNonFinite?: TerminateOnNonFiniteOptions;
  readonly checkpoint?: {
    readonly last: boolean;
    readonly best: boolean;
    readonly monitor?: string;
    readonly mode?: Mode;
    readonly resume?: Uint8Array;
    /** Post every checkpoint as it is written (the page persists them), not only the latest at the end. */
    readonly stream: boolean;
  };
}

/** An error as it crosses: its class name, message, stack and own primitive fields (step, tensor, …). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** Whether it was a RecurError (a typed error of @recur/backend), so an unknown subclass stays one. */
  readonly recur: boolean;
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
}

export interface WireResult {
  readonly history: readonly Logs[];
  readonly steps: number;
  readonly stopReason?: string;
  readonly weights: Uint8Array;
  readonly best?: Uint8Array;
  readonly last?: Uint8Array;
}

export type ToWorker =
  | { readonly recurFit: 1; readonly id: number; readonly type: 'fit'; readonly params: unknown; readonly options: WireFitOptions }
  | { readonly recurFit: 1; readonly id: number; readonly type: 'abort'; readonly reason: string };

export type FromWorker =
  | { readonly recurFit: 1; readonly id: number; readonly type: 'progress'; readonly event: ProgressEvent }
  | { readonly recurFit: 1; readonly id: number; readonly type: 'message'; readonly data: unknown }
  | { readonly recurFit: 1; readonly id: number; readonly type: 'checkpoint'; readonly which: 'last' | 'best'; readonly bytes: Uint8Array }
  | { readonly recurFit: 1; readonly id: number; readonly type: 'done'; readonly result: WireResult }
  | { readonly recurFit: 1; readonly id: number; readonly type: 'error'; readonly error: WireError };

/** Whether `data` is a fit message (of either direction). */
export function isFitMessage(data: unknown): data is { recurFit: 1; id: number; type: string } {
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>)[TAG] === 1;
}
