// Draws the spam model's attention heatmap for "limits and remedies" from `recur predict --json`
// results of an attention-pooled spam checkpoint (one JSON line per message): writes the data to
// public/figures/spam-attention.json and the chart, rendered by Vega in Node, to
// public/figures/spam-attention.svg. The site serves both as committed; its build never trains.
//
//   echo '{"pooling": "attention"}' > /tmp/attention.json
//   pnpm -w run recur train spam --config /tmp/attention.json --out runs/spam-attention
//   while read -r m; do pnpm -s -w run recur predict runs/spam-attention/checkpoint.safetensors "$m" --json; done \
//     < apps/docs/scripts/spam-heatmap-messages.txt > /tmp/spam-predictions.jsonl
//   tsx --conditions=@recur/source scripts/make-spam-heatmap.ts /tmp/spam-predictions.jsonl

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spamHeatmapSpec, type SpamAttentionPrediction } from './spam-heatmap-spec.js';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
export const HEATMAP_TITLE = 'What the spam model attended to (attention pooling over a BiLSTM)';

/** The predictions in a file of `recur predict --json` lines; anything else is refused by line. */
export function readPredictions(text: string): SpamAttentionPrediction[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const event = JSON.parse(line) as { event?: string; task?: string; prediction?: SpamAttentionPrediction };
      const attention = event.prediction?.attention;
      if (event.event !== 'prediction' || event.task !== 'spam' || !Array.isArray(attention)) {
        throw new Error(`line ${i + 1}: not a spam prediction with attention weights (train with "pooling": "attention")`);
      }
      return { label: event.prediction!.label, spamProbability: event.prediction!.spamProbability, attention };
    });
}

/** The chart as SVG, rendered headless. */
export async function renderSpamHeatmap(predictions: readonly SpamAttentionPrediction[]): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spamHeatmapSpec(predictions, HEATMAP_TITLE) as unknown as Parameters<typeof vegaLite.compile>[0]);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

async function main(file: string): Promise<void> {
  const predictions = readPredictions(readFileSync(resolve(file), 'utf8'));
  mkdirSync(join(publicDir, 'figures'), { recursive: true });
  writeFileSync(join(publicDir, 'figures', 'spam-attention.json'), `${JSON.stringify({ predictions }, null, 1)}\n`);
  writeFileSync(join(publicDir, 'figures', 'spam-attention.svg'), await renderSpamHeatmap(predictions));
  for (const p of predictions) {
    const top = [...p.attention]
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 5)
      .map((a) => `${a.token} ${a.weight.toFixed(2)}`);
    console.log(`${p.label} ${p.spamProbability.toFixed(3)}: ${top.join(', ')}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) throw new Error('usage: make-spam-heatmap.ts <predictions.jsonl>');
  await main(process.argv[2]);
}
