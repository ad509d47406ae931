// Prequential (predict first, then learn) running means: every step's loss and metrics are
// taken on a prediction made before its target was learned from, weighted by the steps scored.

export interface RunningMetrics {
  /** Steps scored against their targets since the last reset. */
  readonly steps: number;
  /** Optimizer updates made since the last reset. */
  readonly updates: number;
  /** Mean prequential loss per step (NaN before the first target). */
  readonly loss: number;
  /** Mean of each named metric per step. */
  readonly metrics: Readonly<Record<string, number>>;
}

export class RunningMeans {
  #steps = 0;
  #updates = 0;
  #loss = 0;
  #sums = new Map<string, number>();

  /** Add a block of `steps` steps whose mean loss and metrics were measured. */
  add(steps: number, loss: number, metrics: Readonly<Record<string, number>>): void {
    this.#steps += steps;
    this.#loss += loss * steps;
    for (const [name, value] of Object.entries(metrics)) this.#sums.set(name, (this.#sums.get(name) ?? 0) + value * steps);
  }

  countUpdate(): void {
    this.#updates++;
  }

  snapshot(): RunningMetrics {
    const steps = this.#steps;
    const mean = (sum: number) => (steps > 0 ? sum / steps : NaN);
    return {
      steps,
      updates: this.#updates,
      loss: mean(this.#loss),
      metrics: Object.fromEntries([...this.#sums].map(([name, sum]) => [name, mean(sum)])),
    };
  }

  reset(): void {
    this.#steps = 0;
    this.#updates = 0;
    this.#loss = 0;
    this.#sums.clear();
  }
}
