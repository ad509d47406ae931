// SVG charts in the output directory: a LinePlot or HeatmapPlot (data from the task) becomes a
// Vega-Lite spec, compiled to Vega and rendered to SVG headlessly (renderer 'none': no browser,
// no canvas).
// Vega is imported on first use, so commands that draw nothing do not pay for loading it.

import type { HeatmapPlot, LinePlot, Plot } from '@recur/sample-core';

/** The Vega-Lite spec of a line chart with one colour per series. */
export function lineChartSpec(plot: LinePlot): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: plot.title,
    width: 720,
    height: 320,
    background: 'white',
    data: { values: plot.points },
    mark: { type: 'line', strokeWidth: 1.5, point: plot.points.length <= 80 },
    encoding: {
      x: { field: 'x', type: plot.x.type, title: plot.x.label, ...(plot.x.integer ? { axis: { tickMinStep: 1, format: 'd' } } : {}) },
      y: { field: 'y', type: 'quantitative', title: plot.y.label, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: null },
    },
  };
}

/** Pixels per heatmap cell: big enough for a label, small enough for 30 × 30 cells. */
const CELL = 26;

/**
 * The Vega-Lite spec of a heatmap: a rect per cell coloured by value (sequential scale from 0),
 * the value written in cells large enough to matter. Both axes keep the cells' label order
 * (sort: null), and x labels sit on top, where a reader of attention looks for the input.
 */
export function heatmapSpec(plot: HeatmapPlot): Record<string, unknown> {
  const columns = new Set(plot.cells.map((c) => c.x)).size;
  const rows = new Set(plot.cells.map((c) => c.y)).size;
  const max = Math.max(0, ...plot.cells.map((c) => c.value));
  const x = { field: 'x', type: 'ordinal', title: plot.x.label, sort: null, axis: { orient: 'top', labelAngle: 0 } };
  const y = { field: 'y', type: 'ordinal', title: plot.y.label, sort: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: plot.title,
    width: Math.max(1, columns) * CELL,
    height: Math.max(1, rows) * CELL,
    background: 'white',
    data: { values: plot.cells },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: { color: { field: 'value', type: 'quantitative', title: plot.value.label, scale: { scheme: 'blues', domainMin: 0 } } },
      },
      {
        mark: { type: 'text', fontSize: 8, baseline: 'middle' },
        encoding: {
          text: { field: 'value', type: 'quantitative', format: '.2f' },
          // Dark cells get white text; cells under a tenth of the range stay blank.
          color: { condition: { test: `datum.value > ${0.55 * max}`, value: 'white' }, value: 'black' },
          opacity: { condition: { test: `datum.value >= ${0.1 * max}`, value: 1 }, value: 0 },
        },
      },
    ],
  };
}

export const plotSpec = (plot: Plot): Record<string, unknown> => (plot.kind === 'heatmap' ? heatmapSpec(plot) : lineChartSpec(plot));

export async function renderSvg(plot: Plot): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(plotSpec(plot) as unknown as Parameters<typeof vegaLite.compile>[0]);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
