// The task split of a threaded GEMM job: a grid of rowTasks × slices tasks over the C staging
// area (rowsPad × colsPad floats). Task t is row block t mod rowTasks of column slice
// ⌊t / rowTasks⌋, so a slice's tasks are consecutive and can start as soon as that slice of B is
// packed. Every task sums over all of K, so each element sees the same additions, in the same
// order, as on one thread. These functions run on the calling thread and, as their source text,
// in every worker (worker-program.ts): they may use their arguments and JavaScript's globals only.

/** A packed GEMM as float indices into wasm memory (see wasm-gemm-threads.ts for the layout). */
export interface TileJob {
  /** Packed A: for each k block (of kcMax, the last maybe shorter) rowsPad × kc, MR-row strips. */
  readonly atA: number;
  /** Packed B: for each k block colsPad × kc, NR-column strips. */
  readonly atB: number;
  /** C staging: rowsPad rows of colsPad floats. */
  readonly atC: number;
  readonly rowsPad: number;
  readonly colsPad: number;
  readonly K: number;
  readonly kcMax: number;
  /** Rows and columns of one task: multiples of MR and NR. */
  readonly taskRows: number;
  readonly taskCols: number;
  /**
   * KIND_GEMV (thread-protocol.ts): a product of one row, a at atA (K floats) times the cached
   * strips at atB into c at atC, each task a column range (rowsPad = taskRows = 1, colsPad = N)
   * run by gemvProduct with column block ncMax and its own ncMax floats of scratch from `scratch`;
   * `accumulate` ≠ 0 adds into c. KIND_INT8_DOTS / KIND_FLOAT16_DOTS: the dots of x at atA with
   * colsPad rows of W at atB, `pitch` bytes apart (K = groups of 16 bytes), into atC; each task
   * a range of W's rows. Absent (0): the GEMM tile job above.
   */
  readonly kind?: number;
  readonly ncMax?: number;
  readonly scratch?: number;
  readonly accumulate?: number;
  readonly pitch?: number;
}

/** A job's grid: row blocks per column slice, column slices, and tasks in all. */
export interface Grid {
  readonly rowTasks: number;
  readonly slices: number;
  readonly count: number;
}

/** One task's tile of the C staging (padded extents) and the column slice it reads. */
export interface Tile {
  readonly slice: number;
  readonly row0: number;
  readonly col0: number;
  readonly rows: number;
  readonly cols: number;
}

export function taskGrid(job: TileJob): Grid {
  const rowTasks = Math.ceil(job.rowsPad / job.taskRows);
  const slices = Math.ceil(job.colsPad / job.taskCols);
  return { rowTasks, slices, count: rowTasks * slices };
}

export function taskTile(job: TileJob, grid: Grid, t: number): Tile {
  const slice = Math.floor(t / grid.rowTasks);
  const row0 = (t - slice * grid.rowTasks) * job.taskRows;
  const col0 = slice * job.taskCols;
  return { slice, row0, col0, rows: Math.min(job.taskRows, job.rowsPad - row0), cols: Math.min(job.taskCols, job.colsPad - col0) };
}

/** The grid functions as the worker program takes them. */
export const TASK_GRID = { taskGrid, taskTile };
export type TaskGrid = typeof TASK_GRID;
