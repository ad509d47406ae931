// Shared by the batch-first attention modules: the checks on query/key/value [B, T, D] and the
// key mask [B, Tk] (true = a real key), and masked softmax weights (false keys get score -∞).

import { DTypeError, ShapeError, fmtShape, where, type Tensor } from '@recur/tensor';

export interface AttentionSizes {
  readonly querySize: number;
  readonly keySize: number;
}

/** Checks the batch-first inputs; returns batch B, query steps Tq and key steps Tk. */
export function checkBatchFirst(
  op: string,
  sizes: AttentionSizes,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  mask: Tensor | null | undefined,
): [number, number, number] {
  for (const [name, t] of [
    ['query', query],
    ['key', key],
    ['value', value],
  ] as const) {
    if (t.dtype !== 'float32') throw new DTypeError(`${op}: ${name} must be float32; got ${t.dtype}`);
    if (t.rank !== 3) throw new ShapeError(`${op}: ${name} must be 3-D [batch, steps, features] (batch-first); got ${fmtShape(t.shape)}`);
  }
  const [B, Tq, Dq] = query.shape as [number, number, number];
  const [Bk, Tk, Dk] = key.shape as [number, number, number];
  if (Dq !== sizes.querySize)
    throw new ShapeError(`${op}: query must have ${sizes.querySize} features (querySize); got ${fmtShape(query.shape)}`);
  if (Dk !== sizes.keySize) throw new ShapeError(`${op}: key must have ${sizes.keySize} features (keySize); got ${fmtShape(key.shape)}`);
  if (Bk !== B || value.shape[0] !== B || value.shape[1] !== Tk) {
    throw new ShapeError(
      `${op}: key and value must be [${B}, Tk, ·] with the same Tk; got query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`,
    );
  }
  if (mask) {
    if (mask.dtype !== 'bool') throw new DTypeError(`${op}: mask must be bool (true = a real key); got ${mask.dtype}`);
    if (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== Tk) {
      throw new ShapeError(`${op}: mask must be [${B}, ${Tk}] (batch × key steps); got ${fmtShape(mask.shape)}`);
    }
  }
  return [B, Tq, Tk];
}

/** softmax over keys of scores [B, Tq, Tk] with masked-out keys at -∞; weights·value → context. */
export function maskedContext(scores: Tensor, value: Tensor, mask: Tensor | null | undefined): [Tensor, Tensor] {
  const masked = mask ? where(mask.unsqueeze(1), scores, -Infinity) : scores;
  const weights = masked.softmax(-1);
  return [weights.matmul(value), weights];
}
