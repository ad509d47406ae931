// Tensors held per time step for truncated BPTT: chunks of T steps (time on `axis`) indexed by
// the absolute step t of their first row, so the last k2 inputs can be re-run and the outputs
// and targets of the last k1 steps scored. Owns what it holds.

import { ValueError, concat, keep, narrow, type Tensor } from '@recur/tensor';

interface Chunk {
  readonly start: number;
  readonly tensor: Tensor;
}

export class StepBuffer {
  #chunks: Chunk[] = [];

  constructor(readonly axis: number) {}

  /** Hold `tensor` (a handle of its own is taken) as steps start … start + T − 1. */
  push(start: number, tensor: Tensor): void {
    this.#chunks.push({ start, tensor: keep(tensor.detach()) });
  }

  /** First step not held yet (the end of the last chunk). */
  get end(): number {
    const last = this.#chunks[this.#chunks.length - 1];
    return last ? last.start + last.tensor.shape[this.axis]! : 0;
  }

  /** Steps [from, to) as one tensor in the caller's scope; every step must be held. */
  take(from: number, to: number): Tensor {
    const parts: Tensor[] = [];
    for (const { start, tensor } of this.#chunks) {
      const length = tensor.shape[this.axis]!;
      const lo = Math.max(from, start);
      const hi = Math.min(to, start + length);
      if (hi > lo) parts.push(narrow(tensor, this.axis, lo - start, hi - lo));
    }
    const held = parts.reduce((n, p) => n + p.shape[this.axis]!, 0);
    if (held !== to - from) throw new ValueError(`StepBuffer: steps [${from}, ${to}) are not all held (${held} of ${to - from})`);
    return parts.length === 1 ? parts[0]! : concat(parts, this.axis);
  }

  /** Free every chunk that ends at or before `step`. */
  dropBefore(step: number): void {
    this.#chunks = this.#chunks.filter((c) => {
      const done = c.start + c.tensor.shape[this.axis]! <= step;
      if (done) c.tensor.dispose();
      return !done;
    });
  }

  clear(): void {
    this.dropBefore(Infinity);
  }
}
