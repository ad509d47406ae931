// ONNX export of the births forecaster: inputs [B, L, F] and highway [B, P] → corrections [B, K].
// Each member: LSTM → last layer's h_n → (dropout: off) → Concat with the highway → head; the
// ensemble is ONNX's Mean of the members, as Recur's mean of their stack.

import { exportOnnx, registerOnnxExporter } from '@recur/export';
import { STEP_FEATURES, highwaySize } from './births-data.js';
import { BirthsMember, BirthsModel } from './births-model.js';

function register(): void {
  registerOnnxExporter(BirthsMember, (member, [inputs, highway], context) => {
    const graph = context.graph;
    const [, hN] = context.call(member.lstm, [inputs]);
    const [dropped] = context.call(member.drop, [graph.select(hN!, 0, -1)]);
    return context.call(member.head, [graph.op('Concat', [dropped, highway], 2, { axis: { int: 1 } })]);
  });
  registerOnnxExporter(BirthsModel, (model, inputs, context) => {
    const outputs = model.members.map((member) => context.call(member, inputs)[0]!);
    return [outputs.length === 1 ? outputs[0]! : context.graph.op('Mean', outputs, 2)];
  });
}

/** The model as ONNX bytes: inputs `inputs` [batch, lookback, features] and `highway` [batch, P], output `corrections`. */
export function exportBirthsOnnx(model: BirthsModel, lookback: number, horizon: number): Promise<Uint8Array> {
  register();
  return exportOnnx(model, {
    inputs: [
      { name: 'inputs', shape: ['batch', lookback, STEP_FEATURES] },
      { name: 'highway', shape: ['batch', highwaySize(lookback, horizon)] },
    ],
    outputNames: ['corrections'],
  });
}
