// Conformance of the contract's cheap, well-defined failures: a dtype the op table does not
// allow (for an operand or for out) throws DTypeError, and an out whose shape is not the one the
// kernel's contract gives throws ShapeError, synchronously at the kernel call.

import { BINARY_OPS, DTYPES, DTypeError, ShapeError, UNARY_OPS, opOutDType, sizeOf } from '@recur/backend';
import type { BinaryOp, DType, UnaryOp, View } from '@recur/backend';
import { describe, expect } from 'vitest';
import type { Shape } from './generators.js';
import { kernelTest, type Harness } from './harness.js';
import type { Session } from './session.js';

function zeros(session: Session, dtype: DType, shape: Shape): View {
  return session.contiguous(session.backend, dtype, shape, new Array<number>(sizeOf(shape)).fill(0));
}

export function describeContractErrors(harness: Harness): void {
  describe('contract errors', () => {
    kernelTest(harness, 'unary rejects dtypes outside UNARY_OPS with DTypeError', (session) => {
      for (const [op, def] of Object.entries(UNARY_OPS) as [UnaryOp, (typeof UNARY_OPS)[UnaryOp]][]) {
        for (const dtype of DTYPES.filter((d) => !(def.dtypes as readonly DType[]).includes(d))) {
          const x = zeros(session, dtype, [3]);
          const out = zeros(session, opOutDType(def, dtype), [3]);
          expect(() => session.backend.unary(op, x, out), `unary ${op} on ${dtype}`).toThrow(DTypeError);
          session.casesChecked++;
        }
      }
    });

    kernelTest(harness, 'binary rejects dtypes outside BINARY_OPS with DTypeError', (session) => {
      for (const [op, def] of Object.entries(BINARY_OPS) as [BinaryOp, (typeof BINARY_OPS)[BinaryOp]][]) {
        for (const dtype of DTYPES.filter((d) => !(def.dtypes as readonly DType[]).includes(d))) {
          const a = zeros(session, dtype, [3]);
          const b = zeros(session, dtype, [3]);
          const out = zeros(session, opOutDType(def, dtype), [3]);
          expect(() => session.backend.binary(op, a, b, out), `binary ${op} on ${dtype}`).toThrow(DTypeError);
          session.casesChecked++;
        }
      }
    });

    kernelTest(harness, 'kernels reject an out dtype or operand dtype the contract does not give', (session) => {
      const { backend } = session;
      const float = zeros(session, 'float32', [2, 3]);
      const int = zeros(session, 'int32', [2, 3]);
      const floatMatrix = zeros(session, 'float32', [3, 3]);
      const intMatrix = zeros(session, 'int32', [3, 3]);
      const cases: [string, () => void][] = [
        ['unary neg float32 → int32 out', () => backend.unary('neg', float, int)],
        ['unary isNaN float32 → float32 out', () => backend.unary('isNaN', float, zeros(session, 'float32', [2, 3]))],
        ['binary lt float32 → float32 out', () => backend.binary('lt', float, float, zeros(session, 'float32', [2, 3]))],
        ['binary add of float32 and int32', () => backend.binary('add', float, int, zeros(session, 'float32', [2, 3]))],
        ['where with a float32 cond', () => backend.where(float, float, float, zeros(session, 'float32', [2, 3]))],
        ['matmul on int32', () => backend.matmul(intMatrix, intMatrix, zeros(session, 'int32', [3, 3]))],
        ['matmul into int32', () => backend.matmul(floatMatrix, floatMatrix, zeros(session, 'int32', [3, 3]))],
      ];
      for (const [label, call] of cases) {
        expect(call, label).toThrow(DTypeError);
        session.casesChecked++;
      }
    });

    kernelTest(harness, 'kernels reject an out shape the contract does not give with ShapeError', (session) => {
      const { backend } = session;
      const x = zeros(session, 'float32', [3, 4]);
      const cond = zeros(session, 'bool', [3, 4]);
      const cases: [string, () => void][] = [
        ['unary [3,4] → [4,3]', () => backend.unary('exp', x, zeros(session, 'float32', [4, 3]))],
        ['unary [3,4] → [12]', () => backend.unary('neg', x, zeros(session, 'float32', [12]))],
        ['binary [3,4] → [3,5]', () => backend.binary('add', x, x, zeros(session, 'float32', [3, 5]))],
        [
          'binary [3,4]·[4,3] → [3,4]',
          () => backend.binary('mul', x, zeros(session, 'float32', [4, 3]), zeros(session, 'float32', [3, 4])),
        ],
        ['where [3,4] → [3,1]', () => backend.where(cond, x, x, zeros(session, 'float32', [3, 1]))],
        ['copy [3,4] → [3,4,1]', () => backend.copy(x, zeros(session, 'float32', [3, 4, 1]))],
        ['cast [3,4] → [2,6]', () => backend.cast(x, zeros(session, 'int32', [2, 6]))],
        ['reduce sum [3,4] over axis 1 → [3] (not [3,1])', () => backend.reduce('sum', x, [1], zeros(session, 'float32', [3]))],
        [
          'gather indices [3,2] → out [3,4]',
          () => backend.gather(x, zeros(session, 'int32', [3, 2]), 1, zeros(session, 'float32', [3, 4])),
        ],
        ['matmul inner dimensions [3,4]·[3,4]', () => backend.matmul(x, x, zeros(session, 'float32', [3, 4]))],
        ['matmul out [3,3] for [3,4]·[4,5]', () => backend.matmul(x, zeros(session, 'float32', [4, 5]), zeros(session, 'float32', [3, 3]))],
      ];
      for (const [label, call] of cases) {
        expect(call, label).toThrow(ShapeError);
        session.casesChecked++;
      }
    });
  });
}
