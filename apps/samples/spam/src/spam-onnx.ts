// ONNX export of the spam classifier: ids int32 [B, T] and lengths int32 [B] → logits [B, 2].
// The packed forward becomes the recurrent node's sequence_lens, so h_n is each message's state
// at its own last real step, as in Recur; the head reads the last layer's row of h_n.

import { LSTM } from '@recur/cells';
import { exportOnnx, registerOnnxExporter } from '@recur/export';
import { ValueError } from '@recur/tensor';
import { SpamClassifier } from './spam-model.js';

function register(): void {
  registerOnnxExporter(SpamClassifier, (module, [ids, lengths], context) => {
    const [embedded] = context.call(module.embedding, [ids]);
    // Recurrent inputs are [x, h0, c0, lengths] for an LSTM and [x, h0, lengths] for a GRU.
    const outputs = context.call(
      module.rnn,
      module.rnn instanceof LSTM ? [embedded, undefined, undefined, lengths] : [embedded, undefined, lengths],
    );
    return context.call(module.fc, [context.graph.select(outputs[1]!, 0, -1)]);
  });
}

/** The model as ONNX bytes: inputs `ids` [batch, sequence] and `lengths` [batch], output `logits`. */
export function exportSpamOnnx(model: SpamClassifier): Promise<Uint8Array> {
  if (model.pooling !== 'last') {
    return Promise.reject(
      new ValueError(`exportSpamOnnx: ONNX export covers last-state pooling; this model pools with '${model.pooling}'`),
    );
  }
  register();
  return exportOnnx(model, {
    inputs: [
      { name: 'ids', shape: ['batch', 'sequence'], dtype: 'int32' },
      { name: 'lengths', shape: ['batch'], dtype: 'int32' },
    ],
    outputNames: ['logits'],
  });
}
