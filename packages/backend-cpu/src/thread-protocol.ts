// The thread pool's shared control block: which Int32Array word (over a SharedArrayBuffer) holds
// what, how the ticket packs a job's generation and its next task, and how long waits spin. The
// calling thread (thread-pool.ts) imports these; the workers get them as the PROTOCOL object,
// written into their source (worker-program.ts), so both sides read one definition.

// Control words.
/** The current job's generation, 1 … GEN_LIMIT − 1 (QUIT ends the workers); workers wait on it. */
export const GEN = 0;
/** The queue: (generation << TASK_BITS) | next task, claimed by compare-exchange (see TASK_BITS). */
export const TICKET = 1;
/** Workers that have instantiated the kernels and wait for jobs. */
export const READY = 2;
/** The generation of the last job a task of which threw on a worker. */
export const ERROR = 3;
/** The job's parameters, one word each, in the order of PARAM_NAMES. */
export const PARAMS = 4;
/** TileJob's fields (see task-grid.ts) as they lie in the words PARAMS… (a GEMV job's last four). */
export const PARAM_NAMES = [
  'atA',
  'atB',
  'atC',
  'rowsPad',
  'colsPad',
  'K',
  'kcMax',
  'taskRows',
  'taskCols',
  'kind',
  'ncMax',
  'scratch',
  'accumulate',
  'pitch',
] as const;
/** Tasks the workers ran, in all (for tests and diagnostics). */
export const WORKER_TASKS = PARAMS + PARAM_NAMES.length;
/** Column slices of the current job packed so far; a worker runs a task once its slice is. */
export const PACKED = WORKER_TASKS + 1;
/** Per task t, word DONE + t: the generation that finished it. */
export const DONE = 24;

/** TileJob.kind of a GEMV job (one row of A: column ranges of gemvProduct, wasm-gemv-threads.ts). */
export const KIND_GEMV = 1;
/** TileJob.kind of the quantised layers' dot products (row ranges of W for int8Dots / float16Dots, quantized-wasm.ts). */
export const KIND_INT8_DOTS = 2;
export const KIND_FLOAT16_DOTS = 3;

// The ticket's bit fields. A claim succeeds only while the generation field is the one the worker
// read the parameters under, so a late worker can never take a task of a job whose parameters it
// did not read; the task field counts the tasks handed out.
/** Low bits of the ticket: the next task to hand out. */
export const TASK_BITS = 12;
/** The task field (4095). A full task field hands out nothing: the queue is closed. */
export const TASK_MASK = (1 << TASK_BITS) - 1;
/** Generations stay below this, so generation << TASK_BITS is a positive int32 (19 + 12 bits). */
export const GEN_LIMIT = 1 << (31 - TASK_BITS);
/** GEN's value that ends the workers. */
export const QUIT = -1;
/** Most tasks one job may have (below TASK_MASK, so a closed ticket claims none of them). */
export const MAX_TASKS = 2048;
/** Int32 words of a pool's control block. */
export const CONTROL_WORDS = DONE + MAX_TASKS;

// Waits spin before they block: a futex wake-up costs tens of µs (over 100 µs in a VM whose idle
// core is halted), as long as a whole task of an RNN-step product. Workers keep spinning this long
// after a job for the next one (back-to-back products, as in a sequence loop), then sleep; waits
// for a slice being packed or a task being finished spin longer, since they end soon.
export const IDLE_SPIN_MS = 0.2;
export const BUSY_SPIN_MS = 2;

/** Everything above, as one plain object: what the worker program is given (as JSON in a worker). */
export const PROTOCOL = {
  GEN,
  TICKET,
  READY,
  ERROR,
  PARAMS,
  PARAM_NAMES,
  WORKER_TASKS,
  PACKED,
  DONE,
  KIND_GEMV,
  KIND_INT8_DOTS,
  KIND_FLOAT16_DOTS,
  TASK_BITS,
  TASK_MASK,
  QUIT,
  IDLE_SPIN_MS,
  BUSY_SPIN_MS,
} as const;
export type Protocol = typeof PROTOCOL;
