// The g2p model as one ONNX graph that decodes greedily by itself: the encoder (an LSTM node with
// sequence_lens, one or both directions) runs once, then an ONNX Loop runs the decoder step — phoneme embedding, LSTMCell,
// attention, output layer, ArgMax — until every word has emitted <EOS> or reached 2·S + 4 steps,
// as decodeBatch does. letters [B, S] int32 and lengths [B] int32 → phonemes [B, T'] int32, each
// row its ids then <EOS> (repeated after the end, as the decoder is fed). B words, S letters, H hidden.

import { Module } from '@recur/cells';
import { exportOnnx, OnnxGraph, registerOnnxExporter, type ExportContext, type OnnxValue } from '@recur/export';
import type { G2pModel } from './g2p-model.js';

/** ONNX TensorProto data types used by Cast. */
const INT32 = 6;
const INT64 = 7;
const BOOL = 9;

/** The model with its <BOS>/<EOS> ids: what the exported graph decodes with. */
class G2pGreedyDecoder extends Module {
  constructor(
    readonly model: G2pModel,
    readonly bosId: number,
    readonly eosId: number,
  ) {
    super();
    this.registerModule('model', model);
  }
}

function scalar(graph: OnnxGraph, name: string, value: number): OnnxValue {
  return graph.int64s(name, [value], true);
}

/** Attention weights α [B, 1, S] of the decoder state h [B, H] over the encoder states. */
function attend(graph: OnnxGraph, context: ExportContext, model: G2pModel, h: OnnxValue, memory: Memory): OnnxValue {
  let scores: OnnxValue;
  if (model.queryProjection && model.score && memory.projected) {
    const [query] = context.call(model.queryProjection, [h]);
    const hidden = graph.tanh(graph.add(memory.projected, graph.op('Unsqueeze', [query!, graph.int64s('axes', [1])], 3)));
    const [score] = context.call(model.score, [hidden]);
    scores = graph.transpose(score!, [0, 2, 1]);
  } else {
    scores = graph.op('MatMul', [graph.op('Unsqueeze', [h, graph.int64s('axes', [1])], 3), graph.transpose(memory.keys, [0, 2, 1])], 3);
  }
  return graph.softmax(graph.add(scores, memory.maskBias), -1);
}

interface Memory {
  readonly keys: OnnxValue;
  readonly projected: OnnxValue | null;
  readonly maskBias: OnnxValue;
}

function exportDecoder(module: G2pGreedyDecoder, inputs: readonly (OnnxValue | undefined)[], context: ExportContext): OnnxValue[] {
  const [letters, lengths] = inputs;
  const { model } = module;
  const graph = context.graph;
  const [embedded] = context.call(model.letterEmbedding, [letters!]);
  const [keys, hN, cN] = context.call(model.encoder, [embedded!, undefined, undefined, lengths!]);
  const steps = graph.op('Slice', [graph.op('Shape', [letters!], 1), graph.int64s('starts', [1]), graph.int64s('ends', [2])], 1);
  // 0 on letters, −1e9 on padding, [B, 1, S].
  const positions = graph.op('Range', [scalar(graph, 'start', 0), graph.op('Squeeze', [steps], 0), scalar(graph, 'delta', 1)], 1);
  const valid = graph.op(
    'Less',
    [graph.op('Cast', [positions], 1, { to: { int: INT32 } }), graph.op('Unsqueeze', [lengths!, graph.int64s('axes', [1])], 2)],
    2,
  );
  const bias = graph.op(
    'Where',
    [valid, graph.initializer('zero', Float32Array.of(0), []), graph.initializer('neg', Float32Array.of(-1e9), [])],
    2,
  );
  const memory: Memory = {
    keys: keys!,
    projected: model.keyProjection ? context.call(model.keyProjection, [keys!])[0]! : null,
    maskBias: graph.op('Unsqueeze', [bias, graph.int64s('axes', [1])], 3),
  };
  // Each word may take 2·length + 4 steps (maxSteps); the loop runs at most 2·S + 4.
  const two = scalar(graph, 'two', 2);
  const four = scalar(graph, 'four', 4);
  const longest = graph.add(graph.op('Mul', [graph.op('Squeeze', [steps], 0), two], 0), four);
  const lastStep = graph.op(
    'Sub',
    [graph.add(graph.op('Mul', [graph.op('Cast', [lengths!], 1, { to: { int: INT64 } }), two], 1), four), scalar(graph, 'one', 1)],
    1,
  );
  const batch = graph.op('Shape', [lengths!], 1);
  // The hand-over: h_n [1, B, H] → [B, H]; a BiLSTM's [2, B, H/2] → [h_fwd; h_bwd] [B, H], as encode() does.
  const bridge = (x: OnnxValue) =>
    model.encoder.bidirectional
      ? graph.op('Reshape', [graph.transpose(x, [1, 0, 2]), graph.int64s('shape', [0, -1])], 2)
      : graph.op('Squeeze', [x, graph.int64s('axes', [0])], 2);
  const [h0, c0] = [bridge(hN!), bridge(cN!)];
  const zeros = graph.op('Expand', [graph.initializer('zero', Float32Array.of(0), []), graph.op('Shape', [h0], 1)], 2);
  const bos = graph.op('Expand', [scalar(graph, 'bos', module.bosId), batch], 1);
  const notDone = graph.op('Expand', [graph.op('Cast', [scalar(graph, 'no', 0)], 0, { to: { int: BOOL } }), batch], 1);
  const keepGoing = graph.op('Cast', [scalar(graph, 'yes', 1)], 0, { to: { int: BOOL } });

  const body = new OnnxGraph(graph);
  const inner = context.withGraph(body);
  const iteration = body.bodyInput('iteration', 'int64', 0);
  body.bodyInput('condition', 'bool', 0);
  const h = body.bodyInput('h', 'float32', 2);
  const c = body.bodyInput('c', 'float32', 2);
  const feed = body.bodyInput('feed', 'float32', 2);
  const previous = body.bodyInput('previous', 'int64', 1);
  const done = body.bodyInput('done', 'bool', 1);
  const [phoneme] = inner.call(model.phonemeEmbedding, [previous]);
  const [hNext, cNext] = inner.call(model.decoder, [body.op('Concat', [phoneme!, feed], 2, { axis: { int: 1 } }), h, c]);
  const weights = attend(body, inner, model, hNext!, memory);
  const attended = body.op('Squeeze', [body.op('MatMul', [weights, memory.keys], 3), body.int64s('axes', [1])], 2);
  const [combined] = inner.call(model.combine, [body.op('Concat', [hNext!, attended], 2, { axis: { int: 1 } })]);
  const feedNext = body.tanh(combined!);
  const [logits] = inner.call(model.output, [feedNext]);
  const picked = body.op('ArgMax', [logits!], 1, { axis: { int: 1 }, keepdims: { int: 0 } });
  const eos = scalar(body, 'eos', module.eosId);
  const mustEnd = body.op('Or', [done, body.op('GreaterOrEqual', [iteration, lastStep], 1)], 1);
  const token = body.op('Where', [mustEnd, eos, picked], 1);
  const doneNext = body.op('Or', [done, body.op('Equal', [token, eos], 1)], 1);
  const allDone = body.op(
    'Equal',
    [
      body.op('ReduceMin', [body.op('Cast', [doneNext], 1, { to: { int: INT32 } })], 0, { keepdims: { int: 0 } }),
      body.initializer('one', Int32Array.of(1), []),
    ],
    0,
  );
  body.bodyOutput(body.op('Not', [allDone], 0), 'go_on', 'bool');
  body.bodyOutput(hNext!, 'h_next');
  body.bodyOutput(cNext!, 'c_next');
  body.bodyOutput(feedNext, 'feed_next');
  body.bodyOutput(token, 'token', 'int64');
  body.bodyOutput(doneNext, 'done_next', 'bool');
  body.bodyOutput(token, 'emitted', 'int64');
  const outputs = graph.node('Loop', [longest, keepGoing, h0, c0, zeros, bos, notDone], [2, 2, 2, 1, 1, 2], {
    body: { graph: body },
  });
  // tokens [T', B] → [B, T'] int32.
  return [graph.op('Cast', [graph.transpose(outputs[5]!, [1, 0])], 2, { to: { int: INT32 } })];
}

let registered = false;

/** The ONNX bytes of `model` decoding greedily (inputs letters [B, S] and lengths [B], int32; output phonemes [B, T'] int32). */
export async function exportG2pOnnx(model: G2pModel, ids: { readonly bosId: number; readonly eosId: number }): Promise<Uint8Array> {
  if (!registered) {
    registerOnnxExporter(G2pGreedyDecoder, exportDecoder);
    registered = true;
  }
  return exportOnnx(new G2pGreedyDecoder(model, ids.bosId, ids.eosId), {
    inputs: [
      { name: 'letters', shape: ['batch', 'letters'], dtype: 'int32' },
      { name: 'lengths', shape: ['batch'], dtype: 'int32' },
    ],
    outputNames: ['phonemes'],
    outputDtypes: ['int32'],
    metadata: { task: 'g2p', bos: String(ids.bosId), eos: String(ids.eosId) },
  });
}
