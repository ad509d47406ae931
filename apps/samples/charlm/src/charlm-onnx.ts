// ONNX export of the character model, state in and out as in Recur (one character at a time or
// a chunk): ids int32 [B, T], h0 and c0 [L, B, H] → logits [B, T, V], h_n and c_n [L, B, H].

import { exportOnnx, registerOnnxExporter } from '@recur/export';
import { CharLmModel } from './charlm-model.js';

function register(): void {
  registerOnnxExporter(CharLmModel, (model, [ids, h0, c0], context) => {
    const [embedded] = context.call(model.embedding, [ids]);
    const [output, hN, cN] = context.call(model.lstm, [embedded, h0, c0]);
    return [...context.call(model.fc, [output]), hN!, cN!];
  });
}

/** The model as ONNX bytes: inputs `ids`, `h0`, `c0`; outputs `logits`, `h_n`, `c_n`. */
export function exportCharLmOnnx(model: CharLmModel): Promise<Uint8Array> {
  register();
  const state = [model.lstm.numLayers, 'batch', model.lstm.hiddenSize];
  return exportOnnx(model, {
    inputs: [
      { name: 'ids', shape: ['batch', 'sequence'], dtype: 'int32' },
      { name: 'h0', shape: state },
      { name: 'c0', shape: state },
    ],
    outputNames: ['logits', 'h_n', 'c_n'],
  });
}
