// mulberry32 (Tommy Ettinger): a 32-bit-state generator of uniform floats in [0, 1), period 2³²,
// fully determined by one 32-bit seed. The one host-side seeded source of the repository: data
// shuffles (@recur/datasets), test inputs and fuzzers. Tensors use the counter-based Philox instead.

/** Uniform floats in [0, 1); each is a 32-bit integer / 2³², so `next() * 2³²` is that integer. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
