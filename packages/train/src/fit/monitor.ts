// Shared by early stopping and best-checkpointing: read a monitored log value and decide
// whether it improved on the best so far (mode min/max, by more than minDelta).

import { ValueError, describeValue } from '@recur/tensor';
import type { Logs } from './types.js';

export type Mode = 'min' | 'max';

export function checkMode(owner: string, mode: unknown): Mode {
  if (mode !== 'min' && mode !== 'max') throw new ValueError(`${owner}: 'mode' must be 'min' or 'max'; got ${describeValue(mode)}`);
  return mode;
}

export function checkMonitor(owner: string, monitor: unknown): string {
  if (typeof monitor !== 'string' || monitor === '')
    throw new ValueError(`${owner}: 'monitor' must be a log name (e.g. 'valLoss'); got ${describeValue(monitor)}`);
  return monitor;
}

/** The monitored value; a ValueError listing the logs when it is missing. */
export function monitored(owner: string, logs: Logs, monitor: string): number {
  const value = logs[monitor];
  if (typeof value !== 'number') {
    throw new ValueError(`${owner}: monitors '${monitor}', which this epoch's logs lack (they have: ${Object.keys(logs).join(', ')})`);
  }
  return value;
}

/** Whether `value` beats `best` by more than `minDelta` (any number beats no best yet; NaN never improves). */
export function improves(value: number, best: number | null, mode: Mode, minDelta = 0): boolean {
  if (Number.isNaN(value)) return false;
  if (best === null) return true;
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}
