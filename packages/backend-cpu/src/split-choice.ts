// Whether a large product should be split across threads, learnt from the products themselves.
// A split pays only while the workers get a core: on a machine busier than its cores (load above
// the core count, as on a shared box) a worker the OS deschedules holds a claimed tile and the
// caller waits for it, so threads lose two to three times over. Each size class keeps a moving
// average of nanoseconds per multiply-add for both ways and takes the faster, trying the other
// every EXPLORE-th product so it notices when the machine's load changes.

// One product in this many goes the other way, to keep both averages current (on an idle machine
// that costs about 1/16 of the threads' gain); one in four times as many when the other way is
// over FAR times slower (splits on a busy machine), where each try costs more.
const EXPLORE = 16;
const FAR = 1.5;
// Weight of the newest sample in the moving averages.
const ALPHA = 0.25;
// Samples of each way before choosing: the first of each is dropped (it pays for growing the
// shared memory, touching fresh pages and compiling), the second starts the average.
const WARM = 2;

interface Way {
  /** Samples taken, the dropped first one included. */
  count: number;
  /** Moving average of ns per multiply-add (NaN until the second sample). */
  cost: number;
}

class SizeClass {
  readonly split: Way = { count: 0, cost: Number.NaN };
  readonly single: Way = { count: 0, cost: Number.NaN };
  products = 0;

  decide(): boolean {
    const n = this.products++;
    // Split first: a threaded backend on an idle machine should not start out slower.
    if (this.split.count < WARM) return true;
    if (this.single.count < WARM) return false;
    const better = this.split.cost < this.single.cost;
    const ratio = Math.max(this.split.cost, this.single.cost) / Math.min(this.split.cost, this.single.cost);
    return n % (ratio > FAR ? 4 * EXPLORE : EXPLORE) === 0 ? !better : better;
  }

  record(split: boolean, nsPerMadd: number): void {
    const way = split ? this.split : this.single;
    way.count++;
    if (way.count === 1) return;
    way.cost = Number.isNaN(way.cost) ? nsPerMadd : way.cost + ALPHA * (nsPerMadd - way.cost);
  }
}

/** The choice for one thread pool: size classes by work (powers of two) and flat (M < 128) or not. */
export class SplitChoice {
  readonly #classes = new Map<number, SizeClass>();
  readonly #now: () => number;

  /** `now` gives milliseconds (performance.now; tests pass a fake clock). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The size class of an M×K · K×N product. */
  #of(M: number, work: number): SizeClass {
    const key = Math.floor(Math.log2(work)) * 2 + (M < 128 ? 1 : 0);
    let size = this.#classes.get(key);
    if (!size) this.#classes.set(key, (size = new SizeClass()));
    return size;
  }

  /** Runs the product one way or the other (`run(true)` splits; false if it could not) and learns from it. */
  run(M: number, work: number, run: (split: boolean) => boolean): void {
    const size = this.#of(M, work);
    let split = size.decide();
    const start = this.#now();
    if (split && !run(true)) split = false;
    if (!split) run(false);
    size.record(split, ((this.#now() - start) * 1e6) / work);
  }
}
