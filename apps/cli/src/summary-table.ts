// The table printed after training and by `recur eval`: each test metric for the model and every
// baseline (the trivial one and any strong ones), and who wins: the model only when it beats them all.

import type { SummaryEvent } from '@recur/sample-core';
import { formatMetric, formatTable } from './format.js';

export function summaryTable(summary: SummaryEvent): string {
  const baselines = Object.entries(summary.baselines);
  const rows = Object.entries(summary.metrics).map(([name, value]) => {
    const higher = summary.higherIsBetter[name] ?? true;
    const better = (a: number, b: number) => (higher ? a > b : a < b);
    let best: { name: string; value: number } | null = null;
    for (const [baseline, metrics] of baselines) {
      const score = metrics[name];
      if (score !== undefined && (best === null || better(score, best.value))) best = { name: baseline, value: score };
    }
    const wins = best === null ? '' : better(value, best.value) ? 'model' : baselines.length === 1 ? 'baseline' : best.name;
    return [
      name,
      formatMetric(name, value),
      ...baselines.map(([, metrics]) => (metrics[name] === undefined ? '—' : formatMetric(name, metrics[name]!))),
      wins,
    ];
  });
  const title = `${summary.task} — test split, after ${summary.epochs} epoch${summary.epochs === 1 ? '' : 's'} (${summary.seconds.toFixed(1)} s)`;
  return `${title}\n${formatTable(['metric', 'model', ...baselines.map(([name]) => name), 'better'], rows)}\n`;
}
