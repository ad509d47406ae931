// Typed errors of @recur/metrics. Each message names the metric, what was expected and what
// came, e.g. `meanSquaredError: yTrue has 12 samples, yPred has 11`.

/** Base class of every error this package throws. */
export class MetricError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Inputs whose lengths or shapes do not fit together (sample counts, sentence lengths, columns). */
export class MetricShapeError extends MetricError {}

/** Inputs for which the metric is undefined: empty where a mean is taken, mixed label types, NaN. */
export class MetricInputError extends MetricError {}

/** An option the metric cannot take: unknown average, zeroDivision other than 0/1, bad weights. */
export class MetricOptionError extends MetricError {}
