// Parameter initialisers with torch.nn.init's formulas, filling a tensor in place (seeded):
// fanIn = shape[1]·receptive, fanOut = shape[0]·receptive, receptive = Π shape[2:].

import { ShapeError, checkOptions, fmtShape, randomElement } from '@recur/backend';
import { expectTensor } from './args.js';
import { fillRandom, defaultGenerator, type Generator } from './random.js';
import { noGrad } from './scope.js';
import { allocTensor, viewOf } from './internal.js';
import type { Tensor } from './tensor.js';

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'conv1d' | 'conv2d' | 'conv3d';

/** torch.nn.init.calculate_gain. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
}

export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.rank < 2) throw new ShapeError(`init: fan in and fan out need at least 2 dimensions; got ${fmtShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((n, d) => n * d, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

interface GenOptions {
  readonly generator?: Generator;
}

const inPlace = (t: Tensor, fn: () => void): Tensor => {
  noGrad(fn);
  return t;
};

/** The tensor and options of initialiser `op`, checked for plain-JavaScript callers. */
function checked<T extends GenOptions>(op: string, t: Tensor, options: T | undefined, keys: readonly string[]): T {
  expectTensor(op, 't', t);
  return checkOptions(op, options, ['generator', ...keys]);
}

export const uniform = (t: Tensor, a = 0, b = 1, options: GenOptions = {}): Tensor => {
  const { generator } = checked('init.uniform', t, options, []);
  return inPlace(t, () => fillRandom(t, 'uniform', a, b, generator));
};

export const normal = (t: Tensor, mean = 0, std = 1, options: GenOptions = {}): Tensor => {
  const { generator } = checked('init.normal', t, options, []);
  return inPlace(t, () => fillRandom(t, 'normal', mean, std, generator));
};

export const constant = (t: Tensor, value: number): Tensor =>
  inPlace(t, () => {
    if (t.size > 0) t.liveStorage('constant').backend.fill(viewOf(t), value);
  });

export const zeros = (t: Tensor): Tensor => constant(t, 0);

export function xavierUniform(t: Tensor, options: GenOptions & { gain?: number } = {}): Tensor {
  checked('init.xavierUniform', t, options, ['gain']);
  const { fanIn, fanOut } = fans(t);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound, { generator: options.generator });
}

export function xavierNormal(t: Tensor, options: GenOptions & { gain?: number } = {}): Tensor {
  checked('init.xavierNormal', t, options, ['gain']);
  const { fanIn, fanOut } = fans(t);
  return normal(t, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), { generator: options.generator });
}

interface KaimingOptions extends GenOptions {
  /** Negative slope of leaky_relu (default 0). */
  readonly a?: number;
  readonly mode?: 'fanIn' | 'fanOut';
  readonly nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t);
  const fan = (options.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

const KAIMING_OPTIONS = ['a', 'mode', 'nonlinearity'];

export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  checked('init.kaimingUniform', t, options, KAIMING_OPTIONS);
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform(t, -bound, bound, { generator: options.generator });
}

export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  checked('init.kaimingNormal', t, options, KAIMING_OPTIONS);
  return normal(t, 0, kaimingStd(t, options), { generator: options.generator });
}

/**
 * A (semi-)orthogonal matrix (Saxe et al. 2013), as torch.nn.init.orthogonal_: QR of a normal
 * matrix of shape (rows, Π rest), Q's columns sign-fixed by R's diagonal, scaled by gain.
 */
export function orthogonal(t: Tensor, options: GenOptions & { gain?: number } = {}): Tensor {
  checked('init.orthogonal', t, options, ['gain']);
  if (t.rank < 2) throw new ShapeError(`orthogonal: needs at least 2 dimensions; got ${fmtShape(t.shape)}`);
  const rows = t.shape[0]!;
  const cols = t.size / rows;
  if (t.size === 0) return t;
  return inPlace(t, () => {
    // The normal sample is drawn on the host from the same Philox stream, so any backend works.
    const params = (options.generator ?? defaultGenerator).next(t.size, 'normal', 0, 1);
    const scratch = new Uint32Array(4);
    const flat = new Float64Array(t.size);
    for (let i = 0; i < flat.length; i++) flat[i] = Math.fround(randomElement(params, i, scratch));
    const q = orthonormalize(flat, rows, cols, options.gain ?? 1);
    const source = allocTensor(t.shape, 'float32', t.liveStorage('orthogonal').backend);
    source.liveStorage('orthogonal').backend.write(viewOf(source).buffer, q, 0);
    t.liveStorage('orthogonal').backend.copy(viewOf(source), viewOf(t));
    source.dispose();
  });
}

/** Householder QR of the taller orientation of a rows×cols matrix; returns gain·Q as rows×cols. */
function orthonormalize(values: ArrayLike<number>, rows: number, cols: number, gain: number): Float32Array<ArrayBuffer> {
  const transposed = rows < cols;
  const m = transposed ? cols : rows;
  const n = transposed ? rows : cols;
  // a is m×n (m ≥ n), column-major for convenient column access.
  const a = new Float64Array(m * n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c]!;
      if (transposed) a[r * m + c] = v;
      else a[c * m + r] = v;
    }
  }
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[k * m + i]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = a[k * m + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = a[k * m + i]!;
    v[k] = x0 - alpha;
    let vnorm = 0;
    for (let i = k; i < m; i++) vnorm += v[i]! ** 2;
    if (vnorm > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i]! * a[j * m + i]!;
        const scale = (2 * dot) / vnorm;
        for (let i = k; i < m; i++) a[j * m + i] = a[j * m + i]! - scale * v[i]!;
      }
    }
    diag[k] = a[k * m + k]!;
    vs.push(v);
  }
  // Q = H_0 … H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    let vnorm = 0;
    for (let i = k; i < m; i++) vnorm += v[i]! ** 2;
    if (vnorm === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i]! * q[j * m + i]!;
      const scale = (2 * dot) / vnorm;
      for (let i = k; i < m; i++) q[j * m + i] = q[j * m + i]! - scale * v[i]!;
    }
  }
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < n; j++) {
    const sign = diag[j]! < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) {
      const v = gain * sign * q[j * m + i]!;
      if (transposed) out[j * cols + i] = v;
      else out[i * cols + j] = v;
    }
  }
  return out;
}
