// Index-based ops: gather (torch.gather), indexSelect (rows of an embedding table) and
// scatterAdd. The VJP of a gather is a scatter-add of g into zeros shaped like the input.

import { DTypeError, IndexError, ShapeError, expectIntegerList, fmtShape, type View } from '@recur/backend';
import { Tensor } from '../tensor.js';
import { allocTensor, commonBackend, normAxis, viewOf } from '../internal.js';
import { attach, needsGrad } from '../autograd.js';
import { tensor } from '../creation.js';
import { scope } from '../scope.js';
import { cast } from './elementwise.js';
import { expectTensor } from '../args.js';

function checkIndices(op: string, indices: Tensor, bound: number, axis: number): void {
  if (indices.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32; got ${indices.dtype}`);
  const storage = indices.liveStorage(op);
  // Host-memory backends check here, at the call. Asynchronous ones (WebGPU) check in the
  // kernel and raise the same IndexError at the next read (see BackendV1.gather).
  if (!storage.backend.readSync || indices.size === 0) return;
  checkHostIndices(op, indices.dataSync(), bound, axis);
}

function checkHostIndices(op: string, values: ArrayLike<number>, bound: number, axis: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= bound) {
      throw new IndexError(`${op}: index ${v} out of range for axis ${axis} of size ${bound} (expected 0..${bound - 1})`);
    }
  }
}

/** The window of x whose dims equal `shape` except on `axis` (torch.gather allows a smaller index). */
function windowOf(x: Tensor, shape: readonly number[], axis: number): View {
  const view = viewOf(x);
  return { ...view, shape: x.shape.map((d, i) => (i === axis ? d : shape[i]!)) };
}

/** out[..., j, ...] = x[..., indices[..., j, ...], ...] along `axis` (torch.gather). */
export function gather(x: Tensor, axis: number, indices: Tensor): Tensor {
  expectTensor('gather', 'x', x);
  expectTensor('gather', 'indices', indices);
  const a = normAxis('gather', axis, x.rank);
  if (indices.rank !== x.rank || indices.shape.some((d, i) => i !== a && d > x.shape[i]!)) {
    throw new ShapeError(`gather: indices of shape ${fmtShape(indices.shape)} do not fit input ${fmtShape(x.shape)} on axis ${a}`);
  }
  checkIndices('gather', indices, x.shape[a] ?? 1, a);
  const backend = commonBackend('gather', x, indices);
  const y = allocTensor(indices.shape, x.dtype, backend);
  backend.gather(windowOf(x, indices.shape, a), viewOf(indices), a, viewOf(y));
  if (needsGrad(x)) {
    const shape = x.shape;
    attach(y, 'gather', [x], {
      save: { indices },
      vjp: (g, { indices: is }) => {
        const dx = allocTensor(shape, 'float32', backend);
        backend.scatterAdd(viewOf(is), viewOf(g), a, windowOf(dx, is.shape, a));
        return [dx];
      },
    });
  }
  return y;
}

/** The slices of x at `indices` along `axis` (an embedding lookup along axis 0). */
export function indexSelect(x: Tensor, axis: number, indices: Tensor | readonly number[]): Tensor {
  expectTensor('indexSelect', 'x', x);
  if (!(indices instanceof Tensor)) expectIntegerList('indexSelect', 'indices', indices);
  const a = normAxis('indexSelect', axis, x.rank);
  return scope(() => {
    // Host indices are checked before they reach any backend, so every backend rejects them at once.
    if (!(indices instanceof Tensor)) checkHostIndices('indexSelect', indices, x.shape[a]!, a);
    let index =
      indices instanceof Tensor ? indices : tensor([...indices], { dtype: 'int32', backend: x.liveStorage('indexSelect').backend });
    if (index.rank !== 1) throw new ShapeError(`indexSelect: indices must be 1-D; got shape ${fmtShape(index.shape)}`);
    if (index.dtype !== 'int32') {
      if (index.dtype !== 'bool') throw new DTypeError(`indexSelect: indices must be int32; got ${index.dtype}`);
      index = cast(index, 'int32');
    }
    checkIndices('indexSelect', index, x.shape[a]!, a);
    const backend = commonBackend('indexSelect', x, index);
    const shape = x.shape.map((d, i) => (i === a ? index.shape[0]! : d));
    // The 1-D index, broadcast with stride 0 over every other axis, drives an ordinary gather.
    const spread = (t: Tensor): View => ({
      ...viewOf(t),
      shape,
      strides: shape.map((_, i) => (i === a ? t.strides[0]! : 0)),
    });
    const y = allocTensor(shape, x.dtype, backend);
    backend.gather(viewOf(x), spread(index), a, viewOf(y));
    if (needsGrad(x)) {
      const xShape = x.shape;
      attach(y, 'indexSelect', [x], {
        save: { index },
        vjp: (g, { index: is }) => {
          const dx = allocTensor(xShape, 'float32', backend);
          backend.scatterAdd(spread(is), viewOf(g), a, viewOf(dx));
          return [dx];
        },
      });
    }
    return y;
  });
}

/** A copy of x with src added at `indices` along `axis` (torch.scatter_add, out of place). */
export function scatterAdd(x: Tensor, axis: number, indices: Tensor, src: Tensor): Tensor {
  expectTensor('scatterAdd', 'x', x);
  expectTensor('scatterAdd', 'indices', indices);
  expectTensor('scatterAdd', 'src', src);
  const a = normAxis('scatterAdd', axis, x.rank);
  if (indices.rank !== x.rank || src.rank !== x.rank || indices.shape.some((d, i) => d !== src.shape[i] || (i !== a && d > x.shape[i]!))) {
    throw new ShapeError(
      `scatterAdd: indices ${fmtShape(indices.shape)} and src ${fmtShape(src.shape)} must match and fit input ${fmtShape(x.shape)}`,
    );
  }
  if (src.dtype !== x.dtype) throw new DTypeError(`scatterAdd: src is ${src.dtype}, input is ${x.dtype}`);
  checkIndices('scatterAdd', indices, x.shape[a]!, a);
  const backend = commonBackend('scatterAdd', x, indices, src);
  const y = allocTensor(x.shape, x.dtype, backend);
  backend.copy(viewOf(x), viewOf(y));
  backend.scatterAdd(viewOf(indices), viewOf(src), a, windowOf(y, indices.shape, a));
  if (needsGrad(x, src)) {
    const needSrc = src.requiresGrad;
    attach(y, 'scatterAdd', [x, src], { save: { indices }, vjp: (g, { indices: is }) => [g, needSrc ? gather(g, a, is) : null] });
  }
  return y;
}
