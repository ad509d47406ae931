// PyTorch parity: pack each packed_* fixture's padded input with its lengths and compare the
// PackedSequence layout (data, batch_sizes, sorted/unsorted indices) exactly with PyTorch's.
// T time steps, B sequences; the fixtures hold padded inputs [T, B, F] or [B, T, F].

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromTypedArray } from '@recur/tensor';
import { PackedSequence, packPaddedSequence, packSequence, padPackedSequence, unpadSequence } from './index.js';

interface FixtureTensor {
  readonly shape: number[];
  readonly dtype: string;
  readonly data: number[];
}

interface PackedFixture {
  readonly fixture: string;
  readonly config: { readonly kwargs: { readonly batch_first: boolean }; readonly lengths: number[]; readonly enforce_sorted: boolean };
  readonly inputs: { readonly input: FixtureTensor; readonly lengths: FixtureTensor };
  readonly outputs: {
    readonly packed_input: Record<'data' | 'batch_sizes' | 'sorted_indices' | 'unsorted_indices', FixtureTensor>;
    readonly packed_output_data: FixtureTensor;
    readonly output: FixtureTensor;
    readonly output_lengths: FixtureTensor;
  };
}

/** fixtures/torch at the repository root, or RECUR_FIXTURES_DIR. */
function fixturesDir(): string {
  if (process.env.RECUR_FIXTURES_DIR) return resolve(process.env.RECUR_FIXTURES_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no pnpm-workspace.yaml above the test file');
    dir = parent;
  }
  return join(dir, 'fixtures', 'torch');
}

const directory = fixturesDir();
const files = readdirSync(directory)
  .filter((name) => /^packed_.*\.json$/.test(name))
  .sort();
const load = (name: string): PackedFixture => JSON.parse(readFileSync(join(directory, name), 'utf8')) as PackedFixture;
const float32 = (t: FixtureTensor) => fromTypedArray(Float32Array.from(t.data), t.shape);
const ints = (t: FixtureTensor) => Int32Array.from(t.data);

/** The padded input with every position past its sequence's end set to 0. */
function zeroPadding(input: FixtureTensor, lengths: readonly number[], batchFirst: boolean): Float32Array {
  const [d0, d1] = input.shape as [number, number];
  const features = input.data.length / (d0 * d1);
  const out = Float32Array.from(input.data);
  for (let i = 0; i < d0; i++) {
    for (let k = 0; k < d1; k++) {
      const [b, t] = batchFirst ? [i, k] : [k, i];
      if (t >= lengths[b]!) out.fill(0, (i * d1 + k) * features, (i * d1 + k + 1) * features);
    }
  }
  return out;
}

describe('PyTorch packing fixtures', () => {
  it('finds the packed fixtures, both layouts, all packed with enforce_sorted=False', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    const fixtures = files.map(load);
    expect(new Set(fixtures.map((f) => f.config.kwargs.batch_first))).toEqual(new Set([true, false]));
    expect(fixtures.every((f) => f.config.enforce_sorted === false)).toBe(true);
  });

  describe.each(files)('%s', (name) => {
    const fixture = load(name);
    const batchFirst = fixture.config.kwargs.batch_first;
    const lengths = fixture.config.lengths;
    const expected = fixture.outputs.packed_input;

    it('packs to the same data, batch sizes and indices', () => {
      const input = float32(fixture.inputs.input);
      const packed = packPaddedSequence(input, ints(fixture.inputs.lengths), { batchFirst, enforceSorted: false });
      expect(packed.data.shape).toEqual(expected.data.shape);
      expect(packed.data.dataSync()).toEqual(Float32Array.from(expected.data.data));
      expect(packed.batchSizes).toEqual(ints(expected.batch_sizes));
      expect(packed.sortedIndices!.dtype).toBe('int32');
      expect(packed.sortedIndices!.dataSync()).toEqual(ints(expected.sorted_indices));
      expect(packed.unsortedIndices!.dataSync()).toEqual(ints(expected.unsorted_indices));
      expect(packed.lengths).toEqual(Int32Array.from(lengths));
    });

    it('round-trips through padPackedSequence to the input, zero at padding', () => {
      const input = float32(fixture.inputs.input);
      const packed = packPaddedSequence(input, lengths, { batchFirst, enforceSorted: false });
      const [padded, outLengths] = padPackedSequence(packed, { batchFirst });
      expect(padded.shape).toEqual(fixture.inputs.input.shape);
      expect(padded.dataSync()).toEqual(zeroPadding(fixture.inputs.input, lengths, batchFirst));
      expect(outLengths.dtype).toBe('int32');
      expect(outLengths.dataSync()).toEqual(ints(fixture.outputs.output_lengths));
    });

    it("unpads PyTorch's packed module output exactly as pad_packed_sequence did", () => {
      const packed = new PackedSequence(float32(fixture.outputs.packed_output_data), ints(expected.batch_sizes), {
        sortedIndices: fromTypedArray(ints(expected.sorted_indices), [lengths.length]),
        unsortedIndices: fromTypedArray(ints(expected.unsorted_indices), [lengths.length]),
      });
      const [padded] = padPackedSequence(packed, { batchFirst });
      expect(padded.shape).toEqual(fixture.outputs.output.shape);
      expect(padded.dataSync()).toEqual(Float32Array.from(fixture.outputs.output.data));
    });

    it('packSequence of the unpadded sequences gives the same packing', () => {
      const sequences = unpadSequence(float32(fixture.inputs.input), lengths, { batchFirst });
      const packed = packSequence(sequences, { enforceSorted: false });
      expect(packed.data.dataSync()).toEqual(Float32Array.from(expected.data.data));
      expect(packed.batchSizes).toEqual(ints(expected.batch_sizes));
      expect(packed.sortedIndices!.dataSync()).toEqual(ints(expected.sorted_indices));
      expect(packed.unsortedIndices!.dataSync()).toEqual(ints(expected.unsorted_indices));
    });
  });
});
