// Fuzz the safetensors reader: seeded mutations of valid files (bytes, the header's JSON
// structure, the length field) must load or throw FormatError — never anything else, never hang.

import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, parseSafetensors, serializeSafetensors, tensor } from '@recur/tensor';
import { fuzz, fuzzRuns, fuzzSeed, fuzzTimeout, formatFailures, mutateBytes, mutateJson, type FuzzCase } from './index.js';
import type { FuzzRandom } from './random.js';

const runs = fuzzRuns(5000);
const encoder = new TextEncoder();

/** A file from header JSON text and data bytes, with a correct length field. */
function assemble(header: string, data: Uint8Array): Uint8Array {
  const json = encoder.encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function split(file: Uint8Array): { header: string; data: Uint8Array } {
  const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return { header: new TextDecoder().decode(file.subarray(8, 8 + length)), data: file.subarray(8 + length) };
}

let corpus: Uint8Array[] = [];

beforeAll(async () => {
  const f16 = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]);
  const i64 = new Uint8Array(16);
  new DataView(i64.buffer).setBigInt64(0, -5n, true);
  corpus = [
    await serializeSafetensors(
      {
        'layer.weight': tensor([
          [1, 2],
          [3, 4],
        ]),
        'layer.bias': tensor([0.5, -0.5]),
      },
      { format: 'pt' },
    ),
    await serializeSafetensors({
      ids: tensor([1, 2, 3], { dtype: 'int32' }),
      mask: tensor([true, false]),
      empty: tensor([], { shape: [0, 2] }),
    }),
    assemble(
      '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"n":{"dtype":"I64","shape":[2],"data_offsets":[4,20]}}',
      new Uint8Array([...f16, ...i64]),
    ),
  ];
});

const LENGTHS = [0n, 1n, 7n, 8n, 2n ** 31n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 100_000_001n];

function generate(rng: FuzzRandom): FuzzCase<Uint8Array> {
  const seed = rng.pick(corpus);
  const mode = rng.below(10);
  if (mode < 4) {
    const { bytes, applied } = mutateBytes(seed, rng, { corpus });
    return { input: bytes, mutations: ['bytes', ...applied] };
  }
  const { header, data } = split(seed);
  if (mode < 8) {
    const mutated = mutateJson(header, rng);
    if (mutated) return { input: assemble(mutated.text, data), mutations: ['header-json', ...mutated.applied] };
  }
  if (mode < 9) {
    const { bytes, applied } = mutateBytes(encoder.encode(header), rng);
    const file = new Uint8Array(8 + bytes.length + data.length);
    new DataView(file.buffer).setBigUint64(0, BigInt(bytes.length), true);
    file.set(bytes, 8);
    file.set(data, 8 + bytes.length);
    return { input: file, mutations: ['header-bytes', ...applied] };
  }
  const file = seed.slice();
  const length = rng.chance(0.5) ? rng.pick(LENGTHS) : BigInt(split(seed).header.length + rng.between(-9, 9));
  new DataView(file.buffer).setBigUint64(0, BigInt.asUintN(64, length), true);
  return { input: file, mutations: [`length ${length}`] };
}

describe('safetensors fuzz', () => {
  it(
    `${runs} seeded mutations each load or throw FormatError`,
    async () => {
      const report = await fuzz({
        name: 'safetensors',
        runs,
        seed: fuzzSeed(),
        generate,
        load: (bytes) => {
          const loaded = parseSafetensors(bytes);
          for (const t of Object.values(loaded.tensors)) t.dispose();
        },
        accept: (error) => error instanceof FormatError,
      });
      expect(report.failures, formatFailures(report)).toEqual([]);
      // Both outcomes occur, so the mutations neither always break nor never break the file.
      expect(report.loaded).toBeGreaterThan(runs / 100);
      expect(report.refused).toBeGreaterThan(runs / 2);
    },
    fuzzTimeout(runs),
  );
});
