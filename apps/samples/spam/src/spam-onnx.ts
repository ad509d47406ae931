// ONNX export of the spam classifier: ids int32 [B, T] and lengths int32 [B] → logits [B, 2].
// The packed forward becomes the recurrent node's sequence_lens, so h_n is each message's state
// at its own last real step, as in Recur; last-state pooling reads the last layer's row of h_n.
// Attention pooling: the query q [B, 1, 2H] is the top layer's two final states side by side,
// the keys and values the BiLSTM's states [B, T, 2H] (zero past each end, as padPackedSequence
// leaves them), and the mask [B, T] is t < length, built in the graph from `lengths`.

import { LSTM } from '@recur/cells';
import { exportOnnx, registerOnnxExporter } from '@recur/export';
import { SpamClassifier } from './spam-model.js';

function register(): void {
  registerOnnxExporter(SpamClassifier, (module, [ids, lengths], context) => {
    const [embedded] = context.call(module.embedding, [ids]);
    // Recurrent inputs are [x, h0, c0, lengths] for an LSTM and [x, h0, lengths] for a GRU.
    const outputs = context.call(
      module.rnn,
      module.rnn instanceof LSTM ? [embedded, undefined, undefined, lengths] : [embedded, undefined, lengths],
    );
    if (!module.attention) return context.call(module.fc, [context.graph.select(outputs[1]!, 0, -1)]);
    const graph = context.graph;
    // h_n [L·2, B, H] → its last two rows [2, B, H] → [B, 2, H] → [B, 1, 2H].
    const top = graph.op(
      'Slice',
      [outputs[1]!, graph.int64s('starts', [-2]), graph.int64s('ends', [2 ** 31 - 1]), graph.int64s('axes', [0])],
      3,
    );
    const query = graph.op('Reshape', [graph.transpose(top, [1, 0, 2]), graph.int64s('shape', [0, 1, -1])], 3);
    const steps = graph.op('Gather', [graph.op('Shape', [ids!], 1), graph.int64s('index', [1], true)], 0, { axis: { int: 0 } });
    const positions = graph.op('Range', [graph.int64s('start', [0], true), steps, graph.int64s('delta', [1], true)], 1);
    const ends = graph.op('Unsqueeze', [graph.op('Cast', [lengths!], 1, { to: { int: 7 } }), graph.int64s('axes', [1])], 2);
    const mask = graph.op('Less', [graph.op('Unsqueeze', [positions, graph.int64s('axes', [0])], 2), ends], 2);
    const [pooled] = context.call(module.attention, [query, outputs[0]!, outputs[0]!, mask]);
    return context.call(module.fc, [graph.op('Squeeze', [pooled!, graph.int64s('axes', [1])], 2)]);
  });
}

/** The model as ONNX bytes: inputs `ids` [batch, sequence] and `lengths` [batch], output `logits`. */
export function exportSpamOnnx(model: SpamClassifier): Promise<Uint8Array> {
  register();
  return exportOnnx(model, {
    inputs: [
      { name: 'ids', shape: ['batch', 'sequence'], dtype: 'int32' },
      { name: 'lengths', shape: ['batch'], dtype: 'int32' },
    ],
    outputNames: ['logits'],
  });
}
