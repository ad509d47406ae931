// Plain-JavaScript callers: arguments of the wrong type, misspelt options, values that would
// wrap around in int32 and sizes the host cannot allocate are typed errors, never silent.

import { describe, expect, it } from 'vitest';
import { BackendError, DTypeError, ShapeError, ValueError } from '@recur/backend';
import { arange, eye, full, linspace, ones, scalar, tensor, zeros } from './creation.js';
import { rand } from './random.js';
import * as ops from './index.js';

// Casts stand in for what plain JavaScript passes without complaint from any compiler.
const loose = <T>(value: unknown): T => value as T;

describe('wrong argument types are rejected at run time', () => {
  it('x.sum(1) is an error, not a sum over every axis', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => x.sum(loose(1))).toThrow(ValueError);
    expect(() => x.sum(loose(1))).toThrow('sum: expected an options object { axis?, keepDim? }; got 1');
    for (const method of ['mean', 'max', 'min', 'logSumExp', 'argmax', 'argmin'] as const) {
      expect(() => x[method](loose(1)), method).toThrow(ValueError);
    }
    expect(() => x.sum({ axis: 1, keepdim: true } as never)).toThrow(/unknown option 'keepdim' \(did you mean 'keepDim'\?\)/);
    expect(() => x.sum({ axis: loose('1') })).toThrow(ValueError);
    expect(() => x.sum({ keepDim: loose(1) })).toThrow('sum: keepDim must be true or false; got 1');
    expect(x.sum({ axis: 1 }).toArraySync()).toEqual([3, 7]);
  });

  it('axes, indices and shapes must be integers of the right kind', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => x.softmax(loose({ axis: 1 }))).toThrow(ValueError);
    expect(() => x.softmax(loose('1'))).toThrow('softmax: axis must be an integer; got "1"');
    expect(() => x.reshape(loose(6))).toThrow('reshape: shape must be an array of integers; got 6');
    expect(() => x.reshape(loose([2, '3']))).toThrow(ValueError);
    expect(() => x.view(loose(6))).toThrow(ValueError);
    expect(() => x.permute(loose(1))).toThrow(ValueError);
    expect(() => x.select(0, loose('1'))).toThrow('select: index must be an integer; got "1"');
    expect(() => x.select(loose('0'), 1)).toThrow(ValueError);
    expect(() => x.narrow(0, loose('0'), 1)).toThrow(ValueError);
    expect(() => x.slice(1, loose('1'))).toThrow(ValueError);
    expect(() => x.transpose(loose('0'), 1)).toThrow(ValueError);
    expect(() => x.expand(loose(3))).toThrow(ValueError);
    expect(() => x.squeeze(loose('0'))).toThrow(ValueError);
    expect(() => x.unsqueeze(loose(null))).toThrow(ValueError);
    expect(() => x.flatten(loose('0'))).toThrow(ValueError);
    expect(() => x.split(loose('1'))).toThrow(ValueError);
    expect(() => x.chunk(loose('2'))).toThrow(ValueError);
    expect(() => x.pad(loose(1))).toThrow(ValueError);
    expect(() => x.indexSelect(0, loose([0, '1']))).toThrow(ValueError);
    expect(() => x.toDType(loose('float64'))).toThrow(DTypeError);
    expect(() => x.clamp(loose(1))).toThrow(ValueError);
    expect(() => x.clamp(loose({ min: '0' }))).toThrow(ValueError);
    expect(() => x.clamp(loose(undefined))).toThrow(ValueError);
  });

  it('operands must be tensors or numbers', () => {
    const x = tensor([1, 2]);
    expect(() => x.add(loose('1'))).toThrow('add: b must be a Tensor or a number; got "1"');
    expect(() => x.mul(loose([1, 2]))).toThrow(ValueError);
    expect(() => x.div(loose(null))).toThrow(ValueError);
    expect(() => ops.add(loose(1), loose(2))).toThrow(ValueError);
    expect(() => ops.exp(loose([1]))).toThrow('exp: x must be a Tensor; got [1]');
    expect(() => ops.sum(loose([1, 2]))).toThrow(ValueError);
    expect(() => ops.matmul(x, loose([[1]]))).toThrow(ValueError);
    expect(() => ops.concat(loose(x))).toThrow(ValueError);
    expect(() => ops.stack(loose([x, 1]))).toThrow('stack: tensors[1] must be a Tensor; got 1');
    expect(() => ops.where(loose(true), x, 0)).toThrow(ValueError);
    expect(() => ops.gather(x, 0, loose([0]))).toThrow(ValueError);
    expect(() => x.assign(loose('3'))).toThrow(ValueError);
    expect(() => ops.logicalNot(loose(1))).toThrow(ValueError);
    expect(() => {
      x.requiresGrad = loose('yes');
    }).toThrow(ValueError);
  });
});

describe('creation options', () => {
  it('an unknown option key is a ValueError naming it', () => {
    expect(() => zeros([2], loose({ dtyp: 'int32' }))).toThrow("zeros: unknown option 'dtyp' (did you mean 'dtype'?)");
    expect(() => tensor([1], loose({ requiresgrad: true }))).toThrow(ValueError);
    expect(() => full([2], 1, loose({ device: 'cpu' }))).toThrow(ValueError);
    expect(() => rand([2], loose({ seed: 1 }))).toThrow(/unknown option 'seed'/);
    expect(() => arange(0, 3, 1, loose({ dtype: 'int64' }))).toThrow(DTypeError);
    expect(() => ones([2], loose({ requiresGrad: 1 }))).toThrow(ValueError);
    expect(() => eye(2, 2, loose(5))).toThrow(ValueError);
    expect(() => linspace(0, 1, loose('3'))).toThrow(ValueError);
    expect(() => zeros(loose(3))).toThrow('zeros: shape must be an array of integers; got 3');
    expect(() => rand(loose([2.5]))).toThrow(ShapeError);
  });

  it('a size the host cannot allocate is a typed error naming the shape and bytes', () => {
    expect(() => zeros([1e10])).toThrow(BackendError);
    expect(() => zeros([1e10])).toThrow(
      /zeros: cannot allocate a float32 tensor of shape \[10000000000\] \(10000000000 elements, 40000000000 bytes\)/,
    );
    expect(() => ones([1e6, 1e6, 1e6])).toThrow(BackendError);
    expect(() => rand([1e10])).toThrow(BackendError);
    expect(() => arange(0, 1e10)).toThrow(BackendError);
    expect(() => eye(1e5, 1e6)).toThrow(BackendError);
  });
});

describe('int32 conversion never wraps around', () => {
  it('NaN, ±∞ and values beyond ±2^31 are rejected as PyTorch does', () => {
    expect(() => tensor([3e10, NaN], { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor([3e10, NaN], { dtype: 'int32' })).toThrow(
      'tensor: value 30000000000 at flat index 0 cannot be converted to int32 without overflow',
    );
    expect(() => tensor([1, NaN], { dtype: 'int32' })).toThrow(/value NaN at flat index 1/);
    expect(() => tensor([Infinity], { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor([2 ** 31], { dtype: 'int32' })).toThrow(ValueError);
    expect(() => scalar(-(2 ** 31) - 1, { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor(new Float32Array([NaN]), { dtype: 'int32' })).toThrow(ValueError);
    expect(() => full([2], 3e10, { dtype: 'int32' })).toThrow('full: value 30000000000 cannot be converted to int32 without overflow');
    expect(() => arange(2 ** 31 - 1, 2 ** 31 + 1)).toThrow(ValueError);
  });

  it('in-range values convert as in PyTorch: truncation toward zero, bool is != 0', () => {
    expect(tensor([2 ** 31 - 1, -(2 ** 31), 2.7, -2.7], { dtype: 'int32' }).toArraySync()).toEqual([2 ** 31 - 1, -(2 ** 31), 2, -2]);
    expect(tensor([3, 0, NaN, -0.5], { dtype: 'bool' }).toArraySync()).toEqual([true, false, true, true]);
    expect(full([1], 7, { dtype: 'bool' }).toArraySync()).toEqual([true]);
  });
});

describe('initialisers and backward', () => {
  it('reject unknown option keys and non-tensor arguments', () => {
    const w = zeros([3, 4]);
    expect(() => ops.init.xavierUniform(w, loose({ gian: 2 }))).toThrow(
      /init.xavierUniform: unknown option 'gian' \(did you mean 'gain'\?\)/,
    );
    expect(() => ops.init.kaimingNormal(w, loose({ fan: 'fanIn' }))).toThrow(ValueError);
    expect(() => ops.init.uniform(w, 0, 1, loose({ gain: 1 }))).toThrow(ValueError);
    expect(() => ops.init.orthogonal(loose([1, 2]))).toThrow('init.orthogonal: t must be a Tensor; got [1,2]');
    expect(ops.init.xavierNormal(w, { gain: 2 }).shape).toEqual([3, 4]);
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.sum().backward(undefined, loose({ retain_graph: true }))).toThrow(/unknown option 'retain_graph'/);
    expect(() => x.mul(2).backward(loose([1, 1]))).toThrow(/backward: gradient must be a Tensor/);
    expect(() => ops.backward(loose(null))).toThrow('backward: expected a Tensor; got null');
  });
});

describe('registerBackend options', () => {
  it('reject unknown keys', () => {
    expect(() => ops.registerBackend(() => ops.getBackend(), loose({ nmae: 'x' }))).toThrow(
      /registerBackend: unknown option 'nmae' \(did you mean 'name'\?\)/,
    );
  });
});

describe('scope, keep, noGrad and enableGrad', () => {
  it('reject what is not a function or a tensor', () => {
    expect(() => ops.scope(loose(1))).toThrow('scope: expected a function to run; got 1');
    expect(() => ops.noGrad(loose(null))).toThrow(ValueError);
    expect(() => ops.enableGrad(loose('f'))).toThrow(ValueError);
    expect(() => ops.keep(loose<ops.Tensor>([1]))).toThrow('keep: expected a Tensor; got [1]');
  });
});
