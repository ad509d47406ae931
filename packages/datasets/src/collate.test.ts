// padCollate and padSequences: shapes, pad values, lengths and mask for id and feature sequences,
// scalar and sequence targets, truncation, dtypes, and errors raised before any tensor exists.

import { describe, expect, it } from 'vitest';
import { ValueError, memory } from '@recur/tensor';
import { padCollate, padSequences } from './collate.js';

describe('padSequences', () => {
  it('pads ids to [B, T] row-major with lengths', () => {
    const padded = padSequences([[5, 6, 7], [8], []], { padValue: 0 });
    expect(padded.shape).toEqual([3, 3]);
    expect([...padded.values]).toEqual([5, 6, 7, 8, 0, 0, 0, 0, 0]);
    expect([...padded.lengths]).toEqual([3, 1, 0]);
    expect(padded.values).toBeInstanceOf(Int32Array);
  });

  it('pads feature sequences to [B, T, F] float32 and truncates at maxLength', () => {
    const padded = padSequences(
      [
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [[7, 8]],
      ],
      { padValue: -1, maxLength: 2 },
    );
    expect(padded.shape).toEqual([2, 2, 2]);
    expect([...padded.values]).toEqual([1, 2, 3, 4, 7, 8, -1, -1]);
    expect([...padded.lengths]).toEqual([2, 1]);
    expect(padded.values).toBeInstanceOf(Float32Array);
  });

  it('rejects ragged feature widths and mixed steps', () => {
    expect(() => padSequences([[[1, 2]], [[1]]])).toThrow(/sequence 1 step 0: expected 2 features, got 1 features/);
    expect(() => padSequences([[1, 2], [[1]] as unknown as number[]])).toThrow(ValueError);
  });
});

describe('padCollate', () => {
  it('returns inputs [B, T], lengths, a bool mask [B, T] and class targets [B]', () => {
    const collate = padCollate();
    const batch = collate([
      { input: [4, 9, 2], target: 1 },
      { input: [7], target: 0 },
    ]);
    expect(batch.inputs.shape).toEqual([2, 3]);
    expect(batch.inputs.dtype).toBe('int32');
    expect(batch.inputs.toArraySync()).toEqual([
      [4, 9, 2],
      [7, 0, 0],
    ]);
    expect([...batch.lengths]).toEqual([3, 1]);
    expect(batch.mask.dtype).toBe('bool');
    expect(batch.mask.toArraySync()).toEqual([
      [true, true, true],
      [true, false, false],
    ]);
    expect(batch.targets.toArraySync()).toEqual([1, 0]);
    expect(batch.targets.dtype).toBe('int32');
    expect(batch.targetLengths).toBeNull();
    for (const t of [batch.inputs, batch.mask, batch.targets]) t.dispose();
  });

  it('pads target sequences with targetPadValue and reports their lengths', () => {
    const collate = padCollate({ targetPadValue: -100 });
    const batch = collate([
      { input: [1, 2], target: [3] },
      { input: [4], target: [5, 6, 7] },
    ]);
    expect(batch.targets.shape).toEqual([2, 3]);
    expect(batch.targets.toArraySync()).toEqual([
      [3, -100, -100],
      [5, 6, 7],
    ]);
    expect([...batch.targetLengths!]).toEqual([1, 3]);
  });

  it('reads records through accessors, with float feature inputs and regression targets', () => {
    interface Reading {
      steps: number[][];
      value: number;
    }
    const collate = padCollate<Reading>({ input: (r) => r.steps, target: (r) => r.value, targetDtype: 'float32' });
    const batch = collate([
      {
        steps: [
          [0.5, 1],
          [1.5, 2],
        ],
        value: 0.25,
      },
      { steps: [[3, 4]], value: 2 },
    ]);
    expect(batch.inputs.shape).toEqual([2, 2, 2]);
    expect(batch.inputs.dtype).toBe('float32');
    expect(batch.inputs.toArraySync()).toEqual([
      [
        [0.5, 1],
        [1.5, 2],
      ],
      [
        [3, 4],
        [0, 0],
      ],
    ]);
    expect(batch.mask.shape).toEqual([2, 2]);
    expect(batch.targets.toArraySync()).toEqual([0.25, 2]);
  });

  it('collates inputs only with target: null', () => {
    const batch = padCollate({ target: null })([{ input: [1] }, { input: [2, 3] }]);
    expect(batch.inputs.toArraySync()).toEqual([
      [1, 0],
      [2, 3],
    ]);
    expect('targets' in batch).toBe(false);
  });

  it('throws before allocating: missing fields, an empty batch, mixed targets', () => {
    const before = memory().numTensors;
    expect(() => padCollate()([{ input: [1] } as never])).toThrow(/no `target` field/);
    expect(() => padCollate()([{ tokens: [1] } as never])).toThrow(/no `input` field/);
    expect(() => padCollate()([])).toThrow(/empty batch/);
    expect(() =>
      padCollate()([
        { input: [1], target: 1 },
        { input: [1], target: [1] },
      ]),
    ).toThrow(/mix numbers and sequences/);
    expect(memory().numTensors).toBe(before);
  });
});
