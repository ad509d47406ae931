// Quantised models round-trip through whole-model files: the tree names the quantised types and
// their dtype, int8 matrices are I8 with F32 per-row scales, float16 ones F16 (not widened), and
// the loaded model computes exactly what the saved one did.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRU, Linear, RNN, SequenceTagger, Sequential, type Module } from '@recur/cells';
import { FormatError, manualSeed, noGrad, randint, randn, readSafetensorsHeader } from '@recur/tensor';
import { loadModel, saveModel } from '../node.js';
import { parseModel, serializeModel } from '../model-file/model-file.js';
import { quantizeDynamic } from './quantize-dynamic.js';
import { QuantizedEmbedding } from './quantized-embedding.js';
import { QuantizedGRU, QuantizedLSTM, QuantizedRNN } from './quantized-recurrent.js';
import { QuantizedLinear } from './quantized-linear.js';
import { maxAbsDiff } from './test-support.js';

let folder: string;

/** The same file with its metadata changed (the header re-laid out, the data untouched). */
function rewriteMetadata(bytes: Uint8Array, change: (meta: Record<string, string>) => Record<string, string>): Uint8Array {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
  header.__metadata__ = change(header.__metadata__ as Record<string, string>);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + length), 8 + json.length);
  return out;
}
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'recur-quantized-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function tagger(): SequenceTagger {
  manualSeed(11);
  return new SequenceTagger({ vocabSize: 40, embeddingDim: 12, hiddenSize: 16, numClasses: 5, numLayers: 2 }).eval();
}

describe('quantised whole-model files', () => {
  it.each(['int8', 'float16'] as const)('a %s SequenceTagger saves, loads and computes the same', async (dtype) => {
    const float = tagger();
    const floatBytes = (await serializeModel(float)).length;
    const model = await quantizeDynamic(tagger(), { dtype });
    const tokens = randint(1, 40, [3, 6], { dtype: 'int32' });
    const expected = noGrad(() => model.forward(tokens));
    const path = join(folder, `tagger-${dtype}.safetensors`);
    await saveModel(path, model);
    const bytes = await serializeModel(model);
    const header = readSafetensorsHeader(bytes);
    const entry = (key: string) => header.tensors[key]!;
    if (dtype === 'int8') {
      expect(entry('lstm.weight_ih_l0').dtype).toBe('I8');
      expect(entry('lstm.weight_ih_l0').shape).toEqual([64, 12]);
      expect(entry('lstm.weight_ih_l0.scale')).toMatchObject({ dtype: 'F32', shape: [64] });
      expect(entry('embedding.weight').dtype).toBe('I8');
      expect(entry('fc.weight.scale').dtype).toBe('F32');
    } else {
      expect(entry('lstm.weight_hh_l1_reverse')).toMatchObject({ dtype: 'F16', shape: [64, 16] });
      expect(entry('embedding.weight').dtype).toBe('F16');
    }
    expect(entry('lstm.bias_ih_l0').dtype).toBe('F32');
    // The data section shrinks: matrices to a quarter (int8, plus 4 bytes a row) or half.
    expect(bytes.length).toBeLessThan(floatBytes * (dtype === 'int8' ? 0.45 : 0.6));
    const loaded = (await loadModel(path)) as SequenceTagger;
    expect(loaded.embedding).toBeInstanceOf(QuantizedEmbedding);
    expect(loaded.lstm).toBeInstanceOf(QuantizedLSTM);
    expect(loaded.fc).toBeInstanceOf(QuantizedLinear);
    expect((loaded.lstm as QuantizedLSTM).weightDType).toBe(dtype);
    loaded.eval();
    expect(
      await maxAbsDiff(
        noGrad(() => loaded.forward(tokens)),
        expected,
      ),
    ).toBe(0);
    // Saving the loaded model again gives the same bytes.
    expect(await serializeModel(loaded)).toEqual(bytes);
  });

  it('round-trips GRU and RNN twins inside a Sequential', async () => {
    manualSeed(12);
    const model = new Sequential(new Linear({ inFeatures: 3, outFeatures: 3 }));
    const q = await quantizeDynamic(model);
    const gru = await quantizeDynamic(new GRU({ inputSize: 3, hiddenSize: 5, bidirectional: true }), { dtype: 'float16' });
    const rnn = await quantizeDynamic(new RNN({ inputSize: 3, hiddenSize: 5, nonlinearity: 'relu', numLayers: 2 }));
    for (const m of [q, gru, rnn]) {
      const back = parseModel(await serializeModel(m));
      expect(back.constructor).toBe(m.constructor);
      const x = randn([4, 2, 3]);
      const run = (module: Module) => {
        const out = noGrad(() => (module as unknown as { forward(x: unknown): unknown }).forward(x));
        return Array.isArray(out) ? (out[0] as typeof x) : (out as typeof x);
      };
      expect(await maxAbsDiff(run(back), run(m))).toBe(0);
    }
    expect(gru).toBeInstanceOf(QuantizedGRU);
    expect(rnn).toBeInstanceOf(QuantizedRNN);
  });

  it('refuses a quantised file whose matrices do not fit the tree, with a typed error', async () => {
    const model = await quantizeDynamic(tagger());
    const bytes = await serializeModel(model);
    // Claim float16 storage in the tree while the file holds int8.
    const tampered = rewriteMetadata(bytes, (meta) => ({ ...meta, model: meta.model!.replace('"lstm":"int8"', '"lstm":"float16"') }));
    expect(() => parseModel(tampered)).toThrow(FormatError);
    expect(() => parseModel(tampered)).toThrow(/'lstm.weight_ih_l0' expected a float16 weight; the file has int8/);
    // A path that names no quantisable module.
    const nowhere = rewriteMetadata(bytes, (meta) => ({ ...meta, model: meta.model!.replace('"lstm":"int8"', '"lstm.x":"int8"') }));
    expect(() => parseModel(nowhere)).toThrow(/quantized: quantizeStructure: no module at 'lstm.x'/);
    const wrong = rewriteMetadata(bytes, (meta) => ({ ...meta, model: meta.model!.replace('"lstm":"int8"', '"lstm":"int4"') }));
    expect(() => parseModel(wrong)).toThrow(/dtype must be 'int8' or 'float16'; got 'int4'/);
    // A float model's file cannot fill a quantised tree.
    const floatFile = await serializeModel(tagger());
    const asQuantized = rewriteMetadata(floatFile, (meta) => ({
      ...meta,
      model: meta.model!.replace('"options":{"vocabSize"', '"quantized":{"lstm":"int8"},"options":{"vocabSize"'),
    }));
    expect(() => parseModel(asQuantized)).toThrow(/'lstm.weight_ih_l0' expected an int8 weight; the file has float32/);
  });
});
