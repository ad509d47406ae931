import { describe, expect, it } from 'vitest';
import { AdditiveAttention, GeneralAttention, Module, MultiheadAttention, scaledDotProductAttention as recurSdpa } from '@recur/cells';
import { manualSeed, randn, tensor, ValueError, type Tensor } from '@recur/tensor';
import { registerOnnxExporter } from './context.js';
import { exportOnnx } from './export-onnx.js';
import { scaledDotProductAttention } from './attention-exporters.js';
import { expectClose, runOnnx } from '../test-support/ort-check.js';

// Each input its own axis names: equal names promise ONNX Runtime equal sizes.
const float = (name: string) => ({ name, shape: [`${name}_0`, `${name}_1`, `${name}_2`] });

describe("attention modules in onnxruntime-node give Recur's outputs (1e-5)", () => {
  for (const batchFirst of [false, true]) {
    it(`MultiheadAttention (batchFirst ${batchFirst}): packed and separate projections, key padding and attention masks`, async () => {
      manualSeed(40);
      for (const options of [
        { embedDim: 8, numHeads: 2, batchFirst },
        { embedDim: 8, numHeads: 4, kdim: 5, vdim: 3, bias: false, batchFirst },
      ]) {
        const mha = new MultiheadAttention(options);
        // Non-zero biases, so the test can see them.
        if (mha.inProjBias) mha.loadStateDict({ ...mha.stateDict(), in_proj_bias: randn([24]), 'out_proj.bias': randn([8]) });
        mha.eval();
        const [L, S, N] = [3, 5, 2];
        const at = (T: number, E: number) => (batchFirst ? randn([N, T, E]) : randn([T, N, E]));
        const query = at(L, 8);
        const key = at(S, options.kdim ?? 8);
        const value = at(S, options.vdim ?? 8);
        const keyPaddingMask = tensor(
          [
            [false, false, false, true, true],
            [false, false, false, false, false],
          ],
          { dtype: 'bool' },
        );
        const attnMask = tensor(
          Array.from({ length: L }, (_, i) => Array.from({ length: S }, (_, j) => j > i + 1)),
          { dtype: 'bool' },
        );
        const bytes = await exportOnnx(mha, {
          inputs: [
            float('query'),
            float('key'),
            float('value'),
            { name: 'key_padding_mask', shape: ['batch', 'source'], dtype: 'bool' },
            { name: 'attn_mask', shape: ['target', 'source'], dtype: 'bool' },
          ],
          outputNames: ['attn_output', 'attn_weights'],
        });
        const out = await runOnnx(bytes, { query, key, value, key_padding_mask: keyPaddingMask, attn_mask: attnMask });
        const [expected, weights] = mha.forward(query, key, value, { keyPaddingMask, attnMask });
        await expectClose(out.attn_output!, expected);
        await expectClose(out.attn_weights!, weights!);
        const plain = await exportOnnx(mha, { inputs: [float('query'), float('key'), float('value')] });
        const [unmasked] = mha.forward(query, key, value);
        await expectClose((await runOnnx(plain, { query, key, value })).output!, unmasked);
      }
    });
  }

  it('AdditiveAttention and GeneralAttention, with and without a key mask', async () => {
    manualSeed(41);
    const modules = [
      new AdditiveAttention({ querySize: 4, keySize: 6, attentionSize: 5 }),
      new GeneralAttention({ querySize: 4, keySize: 6 }),
    ];
    const query = randn([2, 3, 4]);
    const key = randn([2, 5, 6]);
    const value = randn([2, 5, 7]);
    const mask = tensor(
      [
        [true, true, true, false, false],
        [true, true, true, true, true],
      ],
      { dtype: 'bool' },
    );
    for (const module of modules) {
      const bytes = await exportOnnx(module, {
        inputs: [float('query'), float('key'), float('value'), { name: 'mask', shape: ['batch', 'keys'], dtype: 'bool' }],
        outputNames: ['context', 'weights'],
      });
      const out = await runOnnx(bytes, { query, key, value, mask });
      const [context, weights] = module.forward(query, key, value, { mask });
      await expectClose(out.context!, context);
      await expectClose(out.weights!, weights);
      const unmasked = await exportOnnx(module, { inputs: [float('query'), float('key'), float('value')] });
      await expectClose((await runOnnx(unmasked, { query, key, value })).output!, module.forward(query, key, value)[0]);
    }
  });

  it('scaledDotProductAttention is a graph helper for custom exporters', async () => {
    manualSeed(42);
    class Sdpa extends Module {
      forward(q: Tensor, k: Tensor, v: Tensor): Tensor {
        return recurSdpa(q, k, v, { scale: 0.3 });
      }
    }
    registerOnnxExporter(Sdpa, (_module, [q, k, v], context) => [scaledDotProductAttention(context.graph, q!, k!, v!, { scale: 0.3 })[0]]);
    const q = randn([2, 2, 3, 4]);
    const k = randn([2, 2, 5, 4]);
    const v = randn([2, 2, 5, 6]);
    const bytes = await exportOnnx(new Sdpa(), {
      inputs: ['q', 'k', 'v'].map((name) => ({ name, shape: ['n', 'h', 't', 'e'] })),
    });
    await expectClose((await runOnnx(bytes, { q, k, v })).output!, new Sdpa().forward(q, k, v));
  });

  it('MultiheadAttention with addBiasKv is refused with a ValueError naming it', async () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 1, addBiasKv: true });
    await expect(exportOnnx(mha, { inputs: [float('q'), float('k'), float('v')] })).rejects.toThrow(ValueError);
    await expect(exportOnnx(mha, { inputs: [float('q'), float('k'), float('v')] })).rejects.toThrow(/addBiasKv or addZeroAttn/);
  });
});
