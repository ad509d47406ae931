// SVG charts in the output directory: a LinePlot (data from the task) becomes a Vega-Lite spec,
// compiled to Vega and rendered to SVG headlessly (renderer 'none': no browser, no canvas).
// Vega is imported on first use, so commands that draw nothing do not pay for loading it.

import type { LinePlot } from '@recur/sample-core';

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

export async function renderSvg(plot: LinePlot): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(lineChartSpec(plot) as unknown as Parameters<typeof vegaLite.compile>[0]);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
