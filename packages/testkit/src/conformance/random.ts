// Conformance of random (Philox4x32-10): bits, uniform and normal for several keys and counters,
// including counters whose low word carries into the high word. Element i of the out view (row
// major, whatever its strides) must equal the contract's `randomElement(params, i)`.

import { randomElement, typedArrayFor } from '@recur/backend';
import type { DType, RandomDistribution, RandomParams } from '@recur/backend';
import { describe } from 'vitest';
import { EXACT, type Bound } from './compare.js';
import { caseShapes, type Shape } from './generators.js';
import { kernelTest, type Harness } from './harness.js';
import { OUTPUT_LAYOUTS, type LayoutKind } from './layouts.js';
import type { Session } from './session.js';

interface Stream {
  readonly key: readonly [number, number];
  readonly counter: readonly [number, number];
}

const STREAMS: readonly Stream[] = [
  { key: [0, 0], counter: [0, 0] },
  { key: [0xdeadbeef, 0x12345678], counter: [7, 0] },
  { key: [0x80000000, 0xffffffff], counter: [0xfffffffd, 0] },
  { key: [42, 7], counter: [0xfffffff0, 5] },
  { key: [1, 2], counter: [0xffffffff, 0xffffffff] },
];

/** Uniform ranges whose width is a power of two, so low + (high−low)·u is exact in float32. */
const UNIFORM_RANGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [-1, 3],
  [-8, 8],
];

const NORMAL_PARAMS: readonly (readonly [number, number])[] = [
  [0, 1],
  [-2, 0.5],
  [10, 3],
];

const outDType = (distribution: RandomDistribution): DType => (distribution === 'bits' ? 'int32' : 'float32');

function distributionParams(distribution: RandomDistribution, index: number): readonly [number, number] {
  if (distribution === 'uniform') return UNIFORM_RANGES[index % UNIFORM_RANGES.length]!;
  if (distribution === 'normal') return NORMAL_PARAMS[index % NORMAL_PARAMS.length]!;
  return [0, 0];
}

function randomBound(harness: Harness, params: RandomParams): Bound {
  if (params.distribution !== 'normal') return EXACT;
  const { atol, rtol } = harness.tolerance.normal;
  return (expected) => atol * Math.abs(params.b) + rtol * Math.abs(expected);
}

async function randomCase(harness: Harness, session: Session, params: RandomParams, shape: Shape, layout: LayoutKind): Promise<void> {
  const dtype = outDType(params.distribution);
  const out = session.output(dtype, shape, layout);
  session.backend.random(out.view, params);
  session.reference.random(out.reference, params);
  const scratch = new Uint32Array(4);
  const contract = typedArrayFor(dtype, out.indices.length);
  for (let i = 0; i < contract.length; i++) contract[i] = randomElement(params, i, scratch);
  const label = `random ${params.distribution}(${params.a}, ${params.b}) key [${params.key}] counter [${params.counter}]`;
  await session.check(label, out, randomBound(harness, params), contract);
  session.release();
}

export function describeRandom(harness: Harness): void {
  describe('random', () => {
    for (const distribution of ['bits', 'uniform', 'normal'] as const) {
      kernelTest(harness, `random ${distribution}`, async (session) => {
        let caseIndex = 0;
        for (const shape of caseShapes(session.rng)) {
          for (const stream of STREAMS) {
            const [a, b] = distributionParams(distribution, caseIndex);
            const layout = OUTPUT_LAYOUTS[caseIndex++ % OUTPUT_LAYOUTS.length]!;
            await randomCase(harness, session, { distribution, ...stream, a, b }, shape, layout);
          }
        }
      });
    }

    // Blocks 0–2 use low words 2^32−3…2^32−1; block 3 must carry into the high word.
    kernelTest(harness, 'random counter carries from the low into the high word', async (session) => {
      for (const distribution of ['bits', 'uniform', 'normal'] as const) {
        for (const counter of [
          [0xfffffffd, 0],
          [0xfffffffd, 0x7fffffff],
        ] as const) {
          const params: RandomParams = { distribution, key: [0x1234, 0x5678], counter, a: 0, b: 1 };
          await randomCase(harness, session, params, [9, 5], 'sliced');
        }
      }
    });
  });
}
