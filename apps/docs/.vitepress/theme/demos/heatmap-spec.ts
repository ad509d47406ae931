// The Vega-Lite spec of demo 3's attention heatmap: one rect per (output step, letter) coloured
// by the attention weight, letters along the top (where a reader of attention looks for the
// input), phonemes down the side, the weight written in cells that matter. Kept apart from the
// Vue component so the test can check the spec without a browser. The same layout as the CLI's
// heatmap (apps/cli/src/plots.ts), sized for a page column.

import type { Translation } from './protocol.js';

/** Pixels per cell: room for a two-decimal weight and a phoneme label. */
export const HEATMAP_CELL = 30;

export interface HeatmapCell {
  /** Output step t (the phonemes, then <EOS>) and letter s: the axes' positions. */
  readonly t: number;
  readonly s: number;
  readonly phoneme: string;
  readonly letter: string;
  readonly weight: number;
}

export interface HeatmapLabels {
  readonly letter: string;
  readonly phoneme: string;
  readonly weight: string;
}

/** The output rows' labels: each phoneme, then <EOS> (the step that ended the word). */
export const outputLabels = (translation: Translation): string[] => [...translation.phonemes, '<EOS>'].slice(0, translation.weights.length);

export function heatmapCells(translation: Translation): HeatmapCell[] {
  const rows = outputLabels(translation);
  return rows.flatMap((phoneme, t) =>
    translation.letters.map((letter, s) => ({ t, s, phoneme, letter, weight: translation.weights[t]?.[s] ?? 0 })),
  );
}

/**
 * Positions, not labels, are the axes' values: a word repeats letters (LETTER) and phonemes, and
 * equal labels would merge rows. labelExpr turns a position back into its label.
 */
const labelExpr = (labels: readonly string[]) => `${JSON.stringify(labels)}[datum.value]`;

export function heatmapSpec(translation: Translation, labels: HeatmapLabels): Record<string, unknown> {
  const cells = heatmapCells(translation);
  const rows = outputLabels(translation);
  const axis = { labelColor: 'currentColor', titleColor: 'currentColor', domain: false, ticks: false, labelFontSize: 13, labelPadding: 6 };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: Math.max(1, translation.letters.length) * HEATMAP_CELL,
    height: Math.max(1, rows.length) * HEATMAP_CELL,
    background: null,
    data: { values: cells },
    // What a screen reader says for a cell (the axes hold positions, not labels).
    transform: [{ calculate: "datum.phoneme + ' ← ' + datum.letter + ': ' + format(datum.weight, '.2f')", as: 'description' }],
    encoding: {
      x: {
        field: 's',
        type: 'ordinal',
        title: labels.letter,
        axis: { ...axis, orient: 'top', labelAngle: 0, labelExpr: labelExpr(translation.letters) },
      },
      y: { field: 't', type: 'ordinal', title: labels.phoneme, axis: { ...axis, labelExpr: labelExpr(rows) } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'rgba(128, 128, 128, 0.25)', strokeWidth: 0.5 },
        encoding: {
          color: {
            field: 'weight',
            type: 'quantitative',
            title: labels.weight,
            scale: { scheme: 'blues', domain: [0, 1] },
            legend: { labelColor: 'currentColor', titleColor: 'currentColor' },
          },
          description: { field: 'description' },
          tooltip: [
            { field: 'phoneme', title: labels.phoneme },
            { field: 'letter', title: labels.letter },
            { field: 'weight', title: labels.weight, format: '.3f' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 9, baseline: 'middle' },
        encoding: {
          text: { field: 'weight', type: 'quantitative', format: '.2f' },
          // Weights are on a fixed 0–1 scale: dark cells get white text, faint ones none.
          color: { condition: { test: 'datum.weight > 0.55', value: 'white' }, value: 'black' },
          opacity: { condition: { test: 'datum.weight >= 0.1', value: 1 }, value: 0 },
        },
      },
    ],
    config: { view: { stroke: null } },
  };
}
