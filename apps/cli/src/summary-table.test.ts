import { describe, expect, it } from 'vitest';
import type { SummaryEvent } from '@recur/sample-core';
import { summaryTable } from './summary-table.js';

const base = {
  event: 'summary',
  task: 't',
  split: 'test',
  epochs: 2,
  seconds: 1,
  checkpoint: null,
  baselineName: 'naive',
  baseline: { mae: 300 },
  higherIsBetter: { mae: false, r2: true },
} as const;

describe('summaryTable', () => {
  it('lists every baseline as a column; the model wins only when it beats them all', () => {
    const summary: SummaryEvent = {
      ...base,
      metrics: { mae: 250, r2: 0.9 },
      baselines: { naive: { mae: 300, r2: 0.5 }, ridge: { mae: 228, r2: 0.8 } },
    };
    const lines = summaryTable(summary).split('\n');
    expect(lines[1]).toMatch(/metric\s+model\s+naive\s+ridge\s+better/);
    expect(lines.find((l) => l.startsWith('mae'))).toMatch(/ridge\s*$/);
    expect(lines.find((l) => l.startsWith('r2'))).toMatch(/model\s*$/);
  });

  it('with one baseline says model or baseline, as before', () => {
    const summary: SummaryEvent = { ...base, metrics: { mae: 350 }, baselines: { naive: { mae: 300 } } };
    expect(
      summaryTable(summary)
        .split('\n')
        .find((l) => l.startsWith('mae')),
    ).toMatch(/baseline\s*$/);
  });
});
