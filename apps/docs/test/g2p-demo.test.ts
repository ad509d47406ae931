// Demo 3 without a browser: the shipped checkpoint (public/models/g2p/) loads strictly on the CPU,
// translates words greedily and with beam search without leaking tensors, its attention rows are
// distributions over the word's letters, bad words fail with a G2pInputError naming the
// character, and the heatmap spec compiles and renders to an SVG with one rect per cell.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '@recur/backend-cpu';
import { memory, registerBackend, useBackend } from '@recur/tensor';
import { G2pInputError, forcedAttention, loadG2p, translate, wordLetters, type G2pDemoModel } from '../.vitepress/theme/demos/g2p-task.js';
import { heatmapCells, heatmapSpec } from '../.vitepress/theme/demos/heatmap-spec.js';
import type { G2pCheckpointInfo } from '../.vitepress/theme/demos/protocol.js';

const dir = new URL('../public/models/g2p/', import.meta.url);
const info = JSON.parse(readFileSync(new URL('g2p.json', dir), 'utf8')) as G2pCheckpointInfo;
const weights = () => new Uint8Array(readFileSync(new URL(info.weights, dir)));
const labels = { letter: 'letter', phoneme: 'phoneme', weight: 'weight' };
let loaded: G2pDemoModel;

beforeAll(async () => {
  registerBackend(cpu());
  await useBackend('cpu');
  loaded = loadG2p(info, weights(), 'g2p.safetensors');
});

const expectDistributions = (rows: readonly (readonly number[])[], letters: number) => {
  for (const row of rows) {
    expect(row).toHaveLength(letters);
    expect(row.reduce((sum, w) => sum + w, 0)).toBeCloseTo(1, 4);
  }
};

describe('the g2p demo', () => {
  it('ships a small checkpoint that loads strictly', () => {
    expect(weights().length).toBeLessThan(1_500_000);
    expect(loaded.parameters).toBeGreaterThan(10_000);
    expect(info.training.test.per).toBeLessThan(0.35);
  });

  it('translates a word greedily, with attention over its letters for every output step', async () => {
    const before = memory().numTensors;
    const result = await translate(loaded, ' Knight ', 1);
    expect(result.word).toBe('Knight');
    expect(result.letters).toEqual(['K', 'N', 'I', 'G', 'H', 'T']);
    expect(result.phonemes.length).toBeGreaterThan(1);
    for (const phoneme of result.phonemes) expect(phoneme).toMatch(/^[A-Z]+\d?$/);
    expect(result.weights).toHaveLength(result.phonemes.length + 1);
    expectDistributions(result.weights, 6);
    expect(memory().numTensors).toBe(before);
  });

  it('gives a beam winner the attention it was decoded with', async () => {
    const before = memory().numTensors;
    const greedy = await translate(loaded, 'phoneme', 1);
    const source = loaded.vocab.letters.encode(greedy.letters);
    const ids = Array.from(loaded.vocab.phonemes.encode(greedy.phonemes));
    const forced = await forcedAttention(loaded.model, source, ids, loaded.vocab.bosId);
    forced.forEach((row, t) => row.forEach((w, s) => expect(w).toBeCloseTo(greedy.weights[t]![s]!, 5)));
    const beam = await translate(loaded, 'phoneme', 4);
    expect(beam.beam).toBe(4);
    expect(beam.score).toBeGreaterThanOrEqual(greedy.score - 1e-4);
    expect(beam.weights).toHaveLength(beam.phonemes.length + 1);
    expectDistributions(beam.weights, 7);
    expect(memory().numTensors).toBe(before);
  });

  it('names the character it cannot read', async () => {
    expect(() => wordLetters(loaded.vocab, 'recür')).toThrow(G2pInputError);
    expect(() => wordLetters(loaded.vocab, 'recür')).toThrow(/“ü” \(U\+00FC, character 4 of “recür”\)/);
    expect(() => wordLetters(loaded.vocab, 'two words')).toThrow(/“ ” \(U\+0020, character 4/);
    expect(() => wordLetters(loaded.vocab, '   ')).toThrow(G2pInputError);
    expect(() => wordLetters(loaded.vocab, 'a'.repeat(41))).toThrow(/at most 40 letters/);
    await expect(translate(loaded, 'x-ray', 1)).rejects.toThrow(/“-”/);
    expect(wordLetters(loaded.vocab, "o'brien")).toEqual(Array.from("O'BRIEN"));
  });

  it('refuses weights that do not fit the model', () => {
    const wrong = { ...info, model: { ...info.model, hiddenSize: info.model.hiddenSize + 1 } };
    expect(() => loadG2p(wrong, weights())).toThrow(/shape|hidden|checkpoint/i);
    expect(() => loadG2p({ ...info, version: 2 as 1 }, weights())).toThrow(/recur-g2p-demo version 1/);
  });

  it('draws the heatmap as an SVG with a rect per cell', async () => {
    const result = await translate(loaded, 'letter', 1);
    const cells = heatmapCells(result);
    expect(cells).toHaveLength(6 * result.weights.length);
    const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
    const compiled = vegaLite.compile(heatmapSpec(result, labels) as unknown as Parameters<typeof vegaLite.compile>[0]);
    const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    // Repeated letters (E, T) keep their own columns: one rect per cell, each described in words.
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(cells.length);
    expect(svg).toContain(`aria-label="${cells[0]!.phoneme} ← L: ${cells[0]!.weight.toFixed(2)}"`);
    for (const label of ['L', 'E', 'T', 'R', '&lt;EOS&gt;']) expect(svg).toContain(`>${label}</text>`);
  });
});
