// Vectorised float32 exp, σ and tanh as inline wasm SIMD code (four lanes at a time), for the
// fused cell kernels. exp is Cephes' expf (x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial,
// scale by 2ⁿ through the exponent bits); tanh is Cephes' tanhf. Both stay within ~2 ulp.

import { Code, V128 } from './wasm-emitter.js';

const LOG2E = Math.LOG2E;
// ln 2 split so n·LN2_HIGH is exact for the n that occur (|n| ≤ 127).
const LN2_HIGH = 0.693359375;
const LN2_LOW = -2.1219444e-4;
// Inputs past these would make 2ⁿ leave the normal float range; e^x there is 0 or ∞ to float32
// working precision for σ and tanh anyway.
const EXP_MIN = -87.3;
const EXP_MAX = 88.0;
const EXP_POLY = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
// tanh(x) = x + x³·P(x²) below this |x|; above it 1 − 2/(e^{2|x|} + 1) loses no digits.
const TANH_SMALL = 0.625;
const TANH_POLY = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];
const SIGN_BIT = 0x80000000 | 0;
// n + 127 + 2²³ holds n + 127 in its low mantissa bits; shifted left by 23 they become the
// exponent field of 2ⁿ and the rest of the float shifts out.
const EXPONENT_MAGIC = 127 + 8388608;

/** Emits exp, σ and tanh over v128 locals, with scratch locals allocated once per function. */
export class VectorMath {
  readonly #code: Code;
  readonly #x: number;
  readonly #n: number;
  readonly #y: number;
  readonly #t: number;
  readonly #v: number;

  constructor(code: Code) {
    this.#code = code;
    this.#x = code.local(V128);
    this.#n = code.local(V128);
    this.#y = code.local(V128);
    this.#t = code.local(V128);
    this.#v = code.local(V128);
  }

  /** Evaluates a polynomial in `variable` by Horner's rule, leaving it on the stack. */
  #horner(coefficients: readonly number[], variable: number): void {
    const code = this.#code;
    code.f32x4Const(coefficients[0]!);
    for (const coefficient of coefficients.slice(1)) code.get(variable).f32x4Mul().f32x4Const(coefficient).f32x4Add();
  }

  /** Pushes e^v, where the v128 on the stack is v. */
  exp(): void {
    const code = this.#code;
    const [x, n, y] = [this.#x, this.#n, this.#y];
    // pmax / pmin (one instruction each) return their first operand, x, when it is NaN.
    code.f32x4Const(EXP_MIN).f32x4Pmax().f32x4Const(EXP_MAX).f32x4Pmin().set(x);
    // n = ⌊x·log2 e + ½⌋, the nearest integer; r = x − n·ln 2 in two steps for accuracy.
    code.get(x).f32x4Const(LOG2E).f32x4Mul().f32x4Const(0.5).f32x4Add().f32x4Floor().set(n);
    code.get(x).get(n).f32x4Const(LN2_HIGH).f32x4Mul().f32x4Sub();
    code.get(n).f32x4Const(LN2_LOW).f32x4Mul().f32x4Sub().set(x);
    // e^r ≈ 1 + r + r²·P(r).
    this.#horner(EXP_POLY, x);
    code.get(x).get(x).f32x4Mul().f32x4Mul().get(x).f32x4Add().f32x4Const(1).f32x4Add().set(y);
    code.get(y).get(n).f32x4Const(EXPONENT_MAGIC).f32x4Add().i32(23).i32x4Shl();
    code.f32x4Mul();
  }

  /** Pushes σ(v) = 1 / (1 + e^−v) for the v128 on the stack. */
  sigmoid(): void {
    const code = this.#code;
    const [v, t] = [this.#v, this.#t];
    code.tee(v).f32x4Neg();
    this.exp();
    code.f32x4Const(1).f32x4Add().set(t);
    code.f32x4Const(1).get(t).f32x4Div().set(t);
    // Below −88 the clamped e^−v would leave σ at ~6e-39 instead of 0 (float32 underflow).
    code.f32x4Const(0).get(t).get(v).f32x4Const(-EXP_MAX).f32x4Lt().bitselect();
  }

  /** Pushes tanh(v) for the v128 on the stack. */
  tanh(): void {
    const code = this.#code;
    const [y, t] = [this.#y, this.#t];
    const v = this.#n; // free until exp() needs it, which happens after v is last read
    code.set(t);
    // Large |v|: 1 − 2/(e^{2|v|} + 1), then v's sign. Computed into y before exp reuses n.
    code.get(t).f32x4Abs().tee(v).get(v).f32x4Add();
    this.exp();
    code.f32x4Const(1).f32x4Add().set(y);
    code.f32x4Const(1).f32x4Const(2).get(y).f32x4Div().f32x4Sub().set(y);
    // Small |v|: v + v·v²·P(v²).
    const square = this.#x;
    code.get(t).get(t).f32x4Mul().set(square);
    this.#horner(TANH_POLY, square);
    code.get(square).f32x4Mul().get(t).f32x4Mul().get(t).f32x4Add();
    // (small & mask) | (large & ~mask), where the large branch takes v's sign bit.
    code.get(t).get(y).i32x4Const(SIGN_BIT).bitselect();
    code.get(t).f32x4Abs().f32x4Const(TANH_SMALL).f32x4Lt();
    code.bitselect().set(y);
    // tanh is odd: v's sign bit, so tanh(−0) is −0 as in Math.
    code.get(t).get(y).i32x4Const(SIGN_BIT).bitselect();
  }
}
