// The streaming contract every accumulator follows: update(batch) per batch, compute() at the
// end, equal (up to float rounding of sums) to the one-shot function on the concatenated data.

/** An accumulator of sufficient statistics; `Batch` is update's argument list, `Result` compute's. */
export interface MetricAccumulator<Batch extends unknown[], Result> {
  /** Add one batch; returns the accumulator for chaining. */
  update(...batch: Batch): this;
  /** The metric over everything added since construction or the last reset. */
  compute(): Result;
  /** Forget everything added (options are kept). */
  reset(): this;
}

/** Feed every batch to the accumulator and compute, e.g. `accumulate(new BleuAccumulator(), batches)`. */
export function accumulate<Batch extends unknown[], Result>(
  accumulator: MetricAccumulator<Batch, Result>,
  batches: Iterable<Batch>,
): Result {
  for (const batch of batches) accumulator.update(...batch);
  return accumulator.compute();
}
