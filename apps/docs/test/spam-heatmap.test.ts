// The spam attention heatmap in "limits and remedies": the committed data are attention weights
// (per message they sum to 1, the label follows the probability), the spec draws one shaded cell
// per token, and the committed SVG is exactly what the spec renders from the committed data.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPredictions, renderSpamHeatmap } from '../scripts/make-spam-heatmap.js';
import { WRAP, lineLabels, spamHeatmapCells, type SpamAttentionPrediction } from '../scripts/spam-heatmap-spec.js';

const publicDir = new URL('../public/', import.meta.url);
const { predictions } = JSON.parse(readFileSync(new URL('figures/spam-attention.json', publicDir), 'utf8')) as {
  predictions: SpamAttentionPrediction[];
};

describe('the spam attention heatmap', () => {
  it('holds attention weights: each message sums to 1, the label follows the probability', () => {
    expect(predictions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(predictions.map((p) => p.label))).toEqual(new Set(['spam', 'ham']));
    for (const p of predictions) {
      expect(p.attention.reduce((s, a) => s + a.weight, 0)).toBeCloseTo(1, 5);
      expect(p.attention.every((a) => a.weight >= 0 && a.token.length > 0)).toBe(true);
      expect(p.label).toBe(p.spamProbability >= 0.5 ? 'spam' : 'ham');
    }
  });

  it('lays tokens out WRAP to a line, a blank line between messages, shaded relative to the maximum', () => {
    const two: SpamAttentionPrediction[] = [
      {
        label: 'spam',
        spamProbability: 0.9,
        attention: Array.from({ length: WRAP + 1 }, (_, i) => ({ token: `t${i}`, weight: i === 3 ? 0.5 : 0.5 / WRAP })),
      },
      { label: 'ham', spamProbability: 0.1, attention: [{ token: 'hi', weight: 1 }] },
    ];
    const cells = spamHeatmapCells(two);
    expect(cells.map((c) => [c.line, c.column]).slice(WRAP - 1)).toEqual([
      [0, WRAP - 1],
      [1, 0],
      [3, 0],
    ]);
    expect(cells[3]!.relative).toBe(1);
    expect(cells[0]!.relative).toBeCloseTo(1 / WRAP, 12);
    expect(lineLabels(two)).toEqual(['#1 spam 0.90', '', '', '#2 ham 0.10', '']);
  });

  it('the committed SVG is the render of the committed data, one rect per token', async () => {
    const svg = await renderSpamHeatmap(predictions);
    const tokens = predictions.reduce((n, p) => n + p.attention.length, 0);
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(tokens);
    expect(readFileSync(new URL('figures/spam-attention.svg', publicDir), 'utf8')).toBe(svg);
  });

  it('refuses predictions without attention weights, naming the line', () => {
    const line = JSON.stringify({ event: 'prediction', task: 'spam', prediction: { label: 'ham', spamProbability: 0.1, tokens: 3 } });
    expect(() => readPredictions(`${line}\n`)).toThrow(/line 1: .*pooling.*attention/);
  });
});
