// An epoch's batches for @recur/train's fit from a plan of dataset indices (a seeded
// DataLoader's batchIndices): each batch is made when fit asks for it and freed as soon as fit
// moves on (or stops), so a run leaves no tensors behind; `count` feeds progress displays.

export interface TaskBatchesOptions<B> {
  /** Dataset indices of each batch of `epoch` (seeded, so a resumed run sees the same order). */
  readonly plan: (epoch: number) => readonly (readonly number[])[];
  /** Indices → a batch. */
  readonly make: (indices: readonly number[]) => B;
  /** Frees a batch's tensors once fit is done with it. */
  readonly dispose?: (batch: B) => void;
}

/** A fit data source (`batches(epoch)`) that also counts an epoch's batches and knows each batch's size. */
export interface TaskBatches<B> {
  batches(epoch: number): Generator<B>;
  /** Batches in `epoch`. */
  count(epoch: number): number;
  /** Examples in a batch made here (fit's `batchSize`, so epoch losses are per-example means). */
  size(batch: B): number;
}

export function taskBatches<B>(options: TaskBatchesOptions<B>): TaskBatches<B> {
  const sizes = new WeakMap<object, number>();
  // The plan of the latest epoch asked for, so counting and batching read one plan (an unseeded shuffle would differ).
  let cached: { epoch: number; plan: readonly (readonly number[])[] } | null = null;
  const planOf = (epoch: number) => {
    if (cached?.epoch !== epoch) cached = { epoch, plan: options.plan(epoch) };
    return cached.plan;
  };
  return {
    *batches(epoch) {
      const plan = planOf(epoch);
      for (const indices of plan) {
        const batch = options.make(indices);
        if (typeof batch === 'object' && batch !== null) sizes.set(batch, indices.length);
        try {
          yield batch;
        } finally {
          options.dispose?.(batch);
        }
      }
    },
    count: (epoch) => planOf(epoch).length,
    size: (batch) => (typeof batch === 'object' && batch !== null ? (sizes.get(batch) ?? 1) : 1),
  };
}
