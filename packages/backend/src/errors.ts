// Typed errors shared by the backends and the tensor core. Each message names the op and
// what was expected versus what came, e.g. `matmul: inner dimensions differ: [32,64] · [128,256]`.

export class RecurError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together: broadcasting, matmul, reshape, concat, state sizes. */
export class ShapeError extends RecurError {}

/** A tensor of the wrong element type for an op (int indices, float data, bool masks). */
export class DTypeError extends RecurError {}

/** An axis, index or argument outside its valid range. */
export class IndexError extends RecurError {}

/** A backend failure: unknown backend, unsupported specification, lost device, no adapter. */
export class BackendError extends RecurError {}

/** Misuse of the autograd engine: backward from a non-scalar, a freed graph, no grad. */
export class GradError extends RecurError {}

/** Use of a tensor or storage after `dispose()`. */
export class DisposedError extends RecurError {}

/** Malformed data from outside: files, fixtures, checkpoints. */
export class FormatError extends RecurError {}

/** Pretty-print a shape as `[2,3,4]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** An argument with a value the op cannot take (negative size, unknown option). */
export class ValueError extends RecurError {}
