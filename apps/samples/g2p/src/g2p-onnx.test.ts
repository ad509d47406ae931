import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { manualSeed, randn } from '@recur/tensor';
import { decodeBatch, letterBatch } from './g2p-decode.js';
import { G2pModel } from './g2p-model.js';
import { exportG2pOnnx } from './g2p-onnx.js';

/** Words of different lengths (letter ids 1..26), so padding, masks and per-word step limits all matter. */
const WORDS = [[3, 1, 20], [19, 20, 18, 5, 14, 7, 20, 8], [1], [16, 8, 15, 14, 5, 13, 5]].map((w) => Int32Array.from(w));

describe('the g2p model in ONNX decodes greedily by itself (Loop)', () => {
  for (const [attention, bidirectional] of [
    ['dot', false],
    ['additive', false],
    ['additive', true],
  ] as const) {
    it(`${attention} attention, ${bidirectional ? 'BiLSTM' : 'LSTM'} encoder: onnxruntime-node gives decodeBatch's phonemes`, async () => {
      manualSeed(60);
      const model = new G2pModel({
        letters: 27,
        phonemes: 12,
        embeddingDim: 5,
        hiddenSize: 8,
        attention,
        dropout: 0.1,
        bidirectional,
      }).eval();
      // Larger weights than the init, so the decoder picks varied phonemes and words end at different steps.
      model.loadStateDict(Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, randn(t.shape).mul(1.5)])));
      const ids = { bosId: 1, eosId: 2 };
      const decoded = await decodeBatch(model, WORDS, { ...ids, beamSize: 1 });
      const { letters, lengths } = letterBatch(WORDS);
      const session = await ort.InferenceSession.create(await exportG2pOnnx(model, ids));
      const result = await session.run({
        letters: new ort.Tensor('int32', Int32Array.from(letters.dataSync()), [...letters.shape]),
        lengths: new ort.Tensor('int32', Int32Array.from(lengths), [lengths.length]),
      });
      await session.release();
      const [batch, steps] = result.phonemes!.dims as [number, number];
      expect(batch).toBe(WORDS.length);
      const rows = Array.from({ length: batch }, (_, b) =>
        Array.from(result.phonemes!.data as Int32Array).slice(b * steps, (b + 1) * steps),
      );
      // Each row: the word's phonemes, then <EOS> to the end; the longest word sets the length.
      expect(steps).toBe(Math.max(...decoded.map((d) => d.ids.length)) + 1);
      rows.forEach((row, b) => {
        const ids = decoded[b]!.ids;
        expect(row).toEqual([...ids, ...new Array<number>(steps - ids.length).fill(2)]);
      });
      // Not a degenerate case: words end at different steps, some at their limit of 2·length + 4.
      expect(new Set(decoded.map((d) => d.ids.length)).size).toBeGreaterThan(1);
    });
  }
});
