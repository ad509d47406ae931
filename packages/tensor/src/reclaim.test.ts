// The finalizer path of memory: tensors nobody can reach are released after a collection, a
// tensor disposed explicitly is never released twice, shared storage lives until its last view
// goes, and tensors saved by the graph live as long as the graph. Needs --expose-gc.

import { describe, expect, it } from 'vitest';
import { memory, tensor, type Tensor } from './index.js';
import { reclaimStats } from './reclaim.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

// Made in their own frames so that no local keeps them reachable.
function forget(n: number): void {
  for (let i = 0; i < n; i++) tensor([1, 2, 3, 4]).mul(2);
}

describe.skipIf(!gc)('reclaiming unreachable tensors', () => {
  it('frees the storage of tensors nobody can reach', async () => {
    await collect();
    const before = memory();
    forget(50);
    expect(memory().numTensors).toBe(before.numTensors + 100);
    await collect();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });

  it('never releases a disposed tensor again (its view keeps the storage)', async () => {
    const make = (): Tensor => {
      const base = tensor([1, 2, 3, 4]);
      const view = base.reshape([2, 2]);
      base.dispose();
      return view;
    };
    await collect();
    const reclaimed = reclaimStats.reclaimed;
    const view = make();
    await collect();
    expect(reclaimStats.reclaimed).toBe(reclaimed); // dispose() unregistered base: no finalizer ran
    // Had the finalizer released base's reference again, the storage would be freed under view.
    expect(view.toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    view.dispose();
  });

  it('frees shared storage only when the last view is gone', async () => {
    await collect();
    const before = memory();
    const make = (): Tensor => {
      const base = tensor([5, 6, 7, 8]);
      base.reshape([4, 1]); // a second view, dropped
      return base.narrow(0, 1, 2);
    };
    const holder: { kept: Tensor | null } = { kept: make() };
    await collect();
    expect(holder.kept!.toArraySync()).toEqual([6, 7]);
    expect(memory().numBuffers).toBe(before.numBuffers + 1);
    holder.kept = null; // the last view goes
    await collect();
    expect(memory().numBuffers).toBe(before.numBuffers);
    expect(memory().numTensors).toBe(before.numTensors);
  });

  it('keeps tensors saved by the graph alive while the graph is reachable', async () => {
    const x = tensor([0, 1, 2]).requireGrad();
    const lossOf = (): Tensor => x.exp().mul(3).sum(); // exp's output and mul's input: saved, then dropped
    const loss = lossOf();
    await collect();
    loss.backward();
    const expected = [0, 1, 2].map((v) => 3 * Math.exp(v));
    const grad = x.grad!.toArraySync() as number[];
    grad.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 5));
    const before = memory().numTensors;
    loss.dispose();
    x.dispose();
    await collect();
    expect(memory().numTensors).toBeLessThan(before);
  });

  it('releases a forgotten graph: its nodes free their saved tensors', async () => {
    const x = tensor([0.5, 1.5]).requireGrad();
    await collect();
    const before = memory();
    const forgetGraph = (): void => {
      for (let i = 0; i < 20; i++) x.tanh().exp().sum();
    };
    forgetGraph();
    await collect();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
    x.dispose();
  });

  it('a loop that awaits only item() still frees what it drops (reads let the event loop turn)', async () => {
    await collect();
    const counts: number[] = [];
    for (let step = 1; step <= 425; step++) {
      forget(2);
      // Synchronous work, as a training step is; only the awaited read may yield to the finalizers.
      const busy = performance.now() + 1;
      while (performance.now() < busy);
      if (step % 50 === 0) gc!();
      await tensor([step]).sum().item();
      // Counted 25 busy steps (>= 25 ms) after a collection, so a read has turned the loop since
      // it (one turn per 20 ms); counting right at the collection would depend on whether that
      // step's read happened to turn, which a loaded machine decides.
      if (step === 125 || step === 425) counts.push(memory().numTensors);
    }
    // Left at each count: at most the 25 steps since the collection (6 tensors each, 150).
    // Without the turns every step's 6 tensors would stay: +1,800 from step 125 to 425.
    expect(counts[1]! - counts[0]!).toBeLessThan(200);
  });
});
