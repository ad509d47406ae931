// The table printed after training and by `recur eval`: each test metric for the model and the
// baseline, and which one wins.

import type { SummaryEvent } from '@recur/sample-core';
import { formatMetric, formatTable } from './format.js';

export function summaryTable(summary: SummaryEvent): string {
  const rows = Object.entries(summary.metrics).map(([name, value]) => {
    const baseline = summary.baseline[name];
    const higher = summary.higherIsBetter[name] ?? true;
    const wins = baseline === undefined ? '' : (higher ? value > baseline : value < baseline) ? 'model' : 'baseline';
    return [name, formatMetric(name, value), baseline === undefined ? '—' : formatMetric(name, baseline), wins];
  });
  const title = `${summary.task} — test split, after ${summary.epochs} epoch${summary.epochs === 1 ? '' : 's'} (${summary.seconds.toFixed(1)} s)`;
  return `${title}\n${formatTable(['metric', 'model', summary.baselineName, 'better'], rows)}\n`;
}
