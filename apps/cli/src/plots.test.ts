import { describe, expect, it } from 'vitest';
import type { HeatmapPlot, LinePlot } from '@recur/sample-core';
import { heatmapSpec, lineChartSpec, plotSpec, renderSvg } from './plots.js';

const heatmap: HeatmapPlot = {
  kind: 'heatmap',
  name: 'attention',
  title: 'attention: CAT',
  x: { label: 'letter' },
  y: { label: 'phoneme' },
  value: { label: 'weight' },
  cells: ['K', 'AE', 'T'].flatMap((y, row) => ['C', 'A', 'T'].map((x, column) => ({ x, y, value: row === column ? 0.9 : 0.05 }))),
};

const line: LinePlot = {
  name: 'loss',
  title: 'loss',
  x: { label: 'epoch', type: 'quantitative', integer: true },
  y: { label: 'loss' },
  points: [
    { series: 'train', x: 1, y: 2 },
    { series: 'train', x: 2, y: 1 },
  ],
};

describe('plots', () => {
  it("a heatmap is a rect layer coloured by value, axes in the cells' order, sized by cell count", () => {
    const spec = heatmapSpec(heatmap) as {
      width: number;
      height: number;
      layer: { mark: { type: string }; encoding: Record<string, { field?: string }> }[];
      encoding: Record<string, { sort: unknown; title: string }>;
    };
    expect(spec.layer[0]).toMatchObject({
      mark: { type: 'rect' },
      encoding: { color: { field: 'value', type: 'quantitative', title: 'weight' } },
    });
    expect(spec.encoding.x).toMatchObject({ field: 'x', sort: null, title: 'letter' });
    expect(spec.encoding.y).toMatchObject({ field: 'y', sort: null, title: 'phoneme' });
    expect(spec.width).toBe(spec.height);
    expect(plotSpec(heatmap)).toEqual(spec);
    expect(plotSpec(line)).toEqual(lineChartSpec(line));
  });

  it('renders a heatmap to SVG with one rect per cell and the labels in order', async () => {
    const svg = await renderSvg(heatmap);
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('attention: CAT');
    // Vega draws each rect as a path labelled with its fields, in data order.
    const rects = [
      ...svg.matchAll(
        /aria-label="letter: (\w+); phoneme: (\w+); weight: ([\d.]+)" role="graphics-symbol" aria-roledescription="rect mark"/g,
      ),
    ];
    expect(rects.map((m) => `${m[1]}/${m[2]}`)).toEqual(heatmap.cells.map((c) => `${c.x}/${c.y}`));
    expect(svg).toContain('0.90');
  });
});
