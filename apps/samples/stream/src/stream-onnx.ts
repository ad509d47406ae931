// ONNX export of the stream forecaster, state in and out as in Recur: steps [B, T, F], h0 and c0
// [L, B, H] → corrections [B, T, 1] (the head reads each step's h beside its features), h_n, c_n.

import { exportOnnx, registerOnnxExporter } from '@recur/export';
import { STEP_FEATURES } from './stream-data.js';
import { StreamModel } from './stream-model.js';

function register(): void {
  registerOnnxExporter(StreamModel, (model, [steps, h0, c0], context) => {
    const [output, hN, cN] = context.call(model.lstm, [steps, h0, c0]);
    const joined = context.graph.op('Concat', [output, steps], 3, { axis: { int: 2 } });
    return [...context.call(model.head, [joined]), hN!, cN!];
  });
}

/** The model as ONNX bytes: inputs `steps`, `h0`, `c0`; outputs `corrections`, `h_n`, `c_n`. */
export function exportStreamOnnx(model: StreamModel): Promise<Uint8Array> {
  register();
  const state = [model.lstm.numLayers, 'batch', model.lstm.hiddenSize];
  return exportOnnx(model, {
    inputs: [
      { name: 'steps', shape: ['batch', 'sequence', STEP_FEATURES] },
      { name: 'h0', shape: state },
      { name: 'c0', shape: state },
    ],
    outputNames: ['corrections', 'h_n', 'c_n'],
  });
}
