// The Vega-Lite spec of the spam model's attention heatmap in "limits and remedies": each message's
// tokens laid out as text, WRAP to a line, every token a cell shaded by its attention weight α_t
// relative to the message's largest (the weights of a long message are all small), the label and
// spam probability beside each message's first line. The layout of the g2p demo's heatmap
// (.vitepress/theme/demos/heatmap-spec.ts); the data are `recur predict --json` results.

/** One `recur predict --json` prediction of an attention-pooled spam checkpoint. */
export interface SpamAttentionPrediction {
  readonly label: 'spam' | 'ham';
  readonly spamProbability: number;
  readonly attention: readonly { readonly token: string; readonly weight: number }[];
}

export interface SpamHeatmapCell {
  /** Line (all messages stacked, a blank line between two) and column of the token. */
  readonly line: number;
  readonly column: number;
  readonly message: number;
  readonly token: string;
  readonly weight: number;
  /** weight / the message's largest weight, in [0, 1]. */
  readonly relative: number;
}

/** Tokens per line, and the pixels of one cell. */
export const WRAP = 12;
export const CELL = { width: 62, height: 22 } as const;
/** Characters of a token drawn in its cell (the tooltip and the label read in full). */
const SHOWN = 9;

export function spamHeatmapCells(predictions: readonly SpamAttentionPrediction[]): SpamHeatmapCell[] {
  const cells: SpamHeatmapCell[] = [];
  let line = 0;
  predictions.forEach((prediction, message) => {
    const top = Math.max(...prediction.attention.map((a) => a.weight), Number.MIN_VALUE);
    prediction.attention.forEach(({ token, weight }, i) => {
      cells.push({ line: line + Math.floor(i / WRAP), column: i % WRAP, message, token, weight, relative: weight / top });
    });
    line += Math.ceil(prediction.attention.length / WRAP) + 1;
  });
  return cells;
}

/** The y axis' label of every line: "#k spam 0.97" on a message's first line, nothing elsewhere. */
export function lineLabels(predictions: readonly SpamAttentionPrediction[]): string[] {
  return predictions.flatMap((p, k) => {
    const lines = Math.ceil(p.attention.length / WRAP);
    return [`#${k + 1} ${p.label} ${p.spamProbability.toFixed(2)}`, ...Array.from({ length: lines }, () => '')];
  });
}

export function spamHeatmapSpec(predictions: readonly SpamAttentionPrediction[], title: string): Record<string, unknown> {
  const cells = spamHeatmapCells(predictions).map((c) => ({
    ...c,
    shown: c.token.length > SHOWN ? `${c.token.slice(0, SHOWN - 1)}…` : c.token,
  }));
  const labels = lineLabels(predictions);
  const axis = { domain: false, ticks: false, labelFontSize: 12, labelPadding: 6, title: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WRAP * CELL.width,
    height: labels.length * CELL.height,
    background: 'white',
    data: { values: cells },
    transform: [
      { calculate: "'message ' + (datum.message + 1) + ', ' + datum.token + ': ' + format(datum.weight, '.3f')", as: 'description' },
    ],
    encoding: {
      x: { field: 'column', type: 'ordinal', scale: { domain: Array.from({ length: WRAP }, (_, i) => i) }, axis: null },
      y: {
        field: 'line',
        type: 'ordinal',
        scale: { domain: labels.map((_, i) => i) },
        axis: { ...axis, labelExpr: `${JSON.stringify(labels)}[datum.value]` },
      },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'rgba(128, 128, 128, 0.25)', strokeWidth: 0.5 },
        encoding: {
          color: { field: 'relative', type: 'quantitative', title: 'α / max α', scale: { scheme: 'blues', domain: [0, 1] } },
          description: { field: 'description' },
          tooltip: [{ field: 'token' }, { field: 'weight', format: '.3f' }],
        },
      },
      {
        mark: { type: 'text', fontSize: 11, baseline: 'middle' },
        encoding: {
          text: { field: 'shown' },
          color: { condition: { test: 'datum.relative > 0.55', value: 'white' }, value: 'black' },
        },
      },
    ],
    config: { view: { stroke: null } },
  };
}
