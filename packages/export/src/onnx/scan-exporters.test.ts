import { describe, expect, it } from 'vitest';
import { ClockworkRNN, LayerNormLSTM, LayerNormLSTMCell, type Module } from '@recur/cells';
import { manualSeed, randn, ValueError, type Tensor } from '@recur/tensor';
import { exportOnnx } from './export-onnx.js';
import { expectClose, runOnnx } from '../test-support/ort-check.js';

/** Non-trivial layer-norm γ/β (they start at 1 and 0). */
function randomizeNorms(module: Module): void {
  const dict = module.stateDict();
  module.loadStateDict(Object.fromEntries(Object.entries(dict).map(([key, t]) => [key, key.includes('layernorm') ? randn(t.shape) : t])));
}

const sequenceInput = (batchFirst: boolean) => ({ name: 'x', shape: batchFirst ? ['batch', 'time', 'in'] : ['time', 'batch', 'in'] });
const stateInput = (name: string) => ({ name, shape: ['layers', 'batch', 'hidden'] });

describe("Scan-exported recurrences in onnxruntime-node give Recur's outputs (1e-5)", () => {
  for (const [numLayers, batchFirst] of [
    [1, false],
    [2, true],
  ] as const) {
    it(`LayerNormLSTM (${numLayers} layer${numLayers > 1 ? 's' : ''}, batchFirst ${batchFirst}) from zeros and from given states`, async () => {
      manualSeed(50 + numLayers);
      const lstm = new LayerNormLSTM({ inputSize: 3, hiddenSize: 5, numLayers, batchFirst, layerNormEps: 1e-4 });
      randomizeNorms(lstm);
      const x = batchFirst ? randn([2, 6, 3]) : randn([6, 2, 3]);
      const fromZeros = await exportOnnx(lstm, { inputs: [sequenceInput(batchFirst)], outputNames: ['output', 'h_n', 'c_n'] });
      const [output, [hN, cN]] = lstm.forward(x);
      const ran = await runOnnx(fromZeros, { x });
      await expectClose(ran.output!, output);
      await expectClose(ran.h_n!, hN);
      await expectClose(ran.c_n!, cN);
      const h0 = randn([numLayers, 2, 5]);
      const c0 = randn([numLayers, 2, 5]);
      const withState = await exportOnnx(lstm, {
        inputs: [sequenceInput(batchFirst), stateInput('h0'), stateInput('c0')],
        outputNames: ['output', 'h_n', 'c_n'],
      });
      const [output2, [hN2, cN2]] = lstm.forward(x, [h0, c0]);
      const ran2 = await runOnnx(withState, { x, h0, c0 });
      await expectClose(ran2.output!, output2);
      await expectClose(ran2.h_n!, hN2);
      await expectClose(ran2.c_n!, cN2);
    });
  }

  it('LayerNormLSTMCell: one step from zeros and from a given state', async () => {
    manualSeed(53);
    const cell = new LayerNormLSTMCell({ inputSize: 4, hiddenSize: 3 });
    randomizeNorms(cell);
    const x = randn([2, 4]);
    const h = randn([2, 3]);
    const c = randn([2, 3]);
    const names = { outputNames: ['h', 'c'] };
    const zeroState = await runOnnx(await exportOnnx(cell, { inputs: [{ name: 'x', shape: ['batch', 4] }], ...names }), { x });
    const [h1, c1] = cell.forward(x);
    await expectClose(zeroState.h!, h1);
    await expectClose(zeroState.c!, c1);
    const given = await exportOnnx(cell, {
      inputs: [
        { name: 'x', shape: ['batch', 4] },
        { name: 'h0', shape: ['batch', 3] },
        { name: 'c0', shape: ['batch', 3] },
      ],
      ...names,
    });
    const stepped = await runOnnx(given, { x, h0: h, c0: c });
    const [h2, c2] = cell.forward(x, [h, c]);
    await expectClose(stepped.h!, h2);
    await expectClose(stepped.c!, c2);
  });

  for (const batchFirst of [false, true]) {
    it(`ClockworkRNN (periods 1, 2, 4, 8; batchFirst ${batchFirst}; with and without bias and h0) over 11 steps`, async () => {
      manualSeed(54);
      for (const bias of [true, false]) {
        const rnn = new ClockworkRNN({ inputSize: 3, periods: [1, 2, 4, 8], moduleSize: 2, bias, batchFirst });
        const x: Tensor = batchFirst ? randn([2, 11, 3]) : randn([11, 2, 3]);
        const h0 = randn([1, 2, 8]);
        const bytes = await exportOnnx(rnn, { inputs: [sequenceInput(batchFirst), stateInput('h0')], outputNames: ['output', 'h_n'] });
        const ran = await runOnnx(bytes, { x, h0 });
        const [output, hN] = rnn.forward(x, h0);
        await expectClose(ran.output!, output);
        await expectClose(ran.h_n!, hN);
        const zeros = await exportOnnx(rnn, { inputs: [sequenceInput(batchFirst)] });
        await expectClose((await runOnnx(zeros, { x })).output!, rnn.forward(x)[0]);
      }
    });
  }

  it('refuses lengths (no packed form) with a ValueError naming the module', async () => {
    const lstm = new LayerNormLSTM({ inputSize: 2, hiddenSize: 2 });
    const inputs = [
      sequenceInput(false),
      stateInput('h0'),
      stateInput('c0'),
      { name: 'lengths', shape: ['batch'], dtype: 'int32' as const },
    ];
    await expect(exportOnnx(lstm, { inputs })).rejects.toThrow(ValueError);
    await expect(exportOnnx(lstm, { inputs })).rejects.toThrow(/LayerNormLSTM takes \[x of rank 3, h0\?, c0\?\] \(no lengths\)/);
  });
});
