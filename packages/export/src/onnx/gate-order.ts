// Gate orders: PyTorch stacks LSTM gates i, f, g, o and GRU gates r, z, n; ONNX stacks LSTM
// gates i, o, f, c and GRU gates z, r, h. A weight [G·H, cols] is G blocks of H rows each; the
// tables say which PyTorch block each ONNX block is (and back).

import type { RecurrentMode } from '@recur/cells';

export type OnnxRecurrentOp = 'LSTM' | 'GRU' | 'RNN';

/** ONNX block k is PyTorch block TORCH_BLOCK_OF_ONNX[op][k]. */
const TORCH_BLOCK_OF_ONNX: Record<OnnxRecurrentOp, readonly number[]> = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] };
/** PyTorch block k is ONNX block ONNX_BLOCK_OF_TORCH[op][k]. */
const ONNX_BLOCK_OF_TORCH: Record<OnnxRecurrentOp, readonly number[]> = { LSTM: [0, 2, 3, 1], GRU: [1, 0, 2], RNN: [0] };

export function onnxOpOf(mode: RecurrentMode): OnnxRecurrentOp {
  return mode === 'LSTM' ? 'LSTM' : mode === 'GRU' ? 'GRU' : 'RNN';
}

export function gateCount(op: OnnxRecurrentOp): number {
  return TORCH_BLOCK_OF_ONNX[op].length;
}

/** Copy the G blocks of `blockSize` values of `source` into `target` at `offset`, in `order`. */
function permuteBlocks(source: Float32Array, order: readonly number[], blockSize: number, target: Float32Array, offset: number): void {
  order.forEach((from, to) => target.set(source.subarray(from * blockSize, (from + 1) * blockSize), offset + to * blockSize));
}

/** A PyTorch-ordered [G·H, cols] (or [G·H]) block stack in ONNX's order, written into target at offset. */
export function toOnnxOrder(op: OnnxRecurrentOp, source: Float32Array, target: Float32Array, offset = 0): void {
  permuteBlocks(source, TORCH_BLOCK_OF_ONNX[op], source.length / gateCount(op), target, offset);
}

/** An ONNX-ordered [G·H, cols] (or [G·H]) block stack in PyTorch's order. */
export function toTorchOrder(op: OnnxRecurrentOp, source: Float32Array): Float32Array {
  const target = new Float32Array(source.length);
  permuteBlocks(source, ONNX_BLOCK_OF_TORCH[op], source.length / gateCount(op), target, 0);
  return target;
}
