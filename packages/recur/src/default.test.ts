import { describe, expect, it } from 'vitest';
import { createDefault, getBackend, LSTM, metrics, randn, tokenizers } from './index.js';

describe('recur umbrella', () => {
  it('createDefault() without WebGPU activates the CPU backend', async () => {
    const setup = await createDefault({ webgpu: false });
    expect(setup.backend.name).toBe('cpu');
    expect(getBackend().name).toBe('cpu');
    expect(setup.skipped).toEqual([]);
  });

  it('createDefault() rejects a misspelt option instead of ignoring it', async () => {
    await expect(createDefault({ webGPU: false } as never)).rejects.toThrow(
      /createDefault: unknown option 'webGPU' \(did you mean 'webgpu'\?\)/,
    );
  });

  it('re-exports the layers, metrics and tokenizers', () => {
    const [out] = new LSTM({ inputSize: 2, hiddenSize: 3 }).forward(randn([4, 1, 2]));
    expect(out.shape).toEqual([4, 1, 3]);
    expect(metrics.accuracyScore([1, 0, 1], [1, 1, 1])).toBeCloseTo(2 / 3, 12);
    expect(new tokenizers.CharTokenizer().tokenize('héllo')).toHaveLength(5);
  });
});
