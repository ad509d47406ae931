import { describe, expect, it } from 'vitest';
import {
  FormatError,
  IndexError,
  ShapeError,
  Tensor,
  cast,
  concat,
  floor,
  manualSeed,
  memory,
  narrow,
  randn,
  scope,
  serializeSafetensors,
  zeros,
} from '@recur/tensor';
import { GRU, LSTM, RNN } from '../rnn/layers.js';
import { Embedding } from '../modules/embedding.js';
import { Linear } from '../modules/linear.js';
import { Module } from '../module.js';
import { NotStreamableError, RecurrentStream } from './recurrent-stream.js';
import { STREAM_STATE_FORMAT } from './stream-file.js';

const bits = (t: Tensor) => Array.from(t.dataSync());
const stateBits = (s: Tensor | readonly Tensor[]) => (s instanceof Tensor ? [s] : s).map(bits);

const layers = {
  LSTM: () => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2 }),
  GRU: () => new GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2 }),
  RNN: () => new RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2 }),
  'LSTM batchFirst': () => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, batchFirst: true }),
  'RNN relu': () => new RNN({ inputSize: 3, hiddenSize: 5, nonlinearity: 'relu' }),
};

describe('RecurrentStream: chunks equal one call', () => {
  for (const [name, make] of Object.entries(layers)) {
    it(`${name}: chunks of 1, 3 and 2 steps and single steps equal the whole sequence bit for bit`, () => {
      manualSeed(11);
      const layer = make();
      const axis = layer.batchFirst ? 1 : 0;
      const x = layer.batchFirst ? randn([4, 9, 3]) : randn([9, 4, 3]);
      const [whole, last] = layer.forward(x) as [Tensor, Tensor | Tensor[]];
      const stream = new RecurrentStream(layer, { batchSize: 4 });
      const parts = [narrow(x, axis, 0, 1), narrow(x, axis, 1, 3), narrow(x, axis, 4, 2)].map((c) => stream.forward(c));
      for (let t = 6; t < 9; t++) parts.push(stream.step(x.select(axis, t)).unsqueeze(axis));
      expect(bits(concat(parts, axis))).toEqual(bits(whole));
      expect(stateBits(stream.getState())).toEqual(stateBits(last));
      stream.dispose();
      layer.dispose();
    });
  }

  it('a model with initialState(batch) streams too (batchFirst read from its LSTM)', () => {
    manualSeed(12);
    class Tiny extends Module {
      readonly embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: 7, embeddingDim: 3 }));
      readonly lstm = this.registerModule('lstm', new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true }));
      readonly fc = this.registerModule('fc', new Linear({ inFeatures: 4, outFeatures: 7 }));
      initialState(batch: number): [Tensor, Tensor] {
        return [zeros([1, batch, 4]), zeros([1, batch, 4])];
      }
      forward(ids: Tensor, state: readonly [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
        return scope(() => {
          const [out, next] = this.lstm.forward(this.embedding.forward(ids), state);
          return [this.fc.forward(out), next];
        });
      }
    }
    const model = new Tiny();
    const ids = randIds([2, 6]);
    const [whole] = model.forward(ids, model.initialState(2));
    const stream = new RecurrentStream(model, { batchSize: 2 });
    expect(stream.batchFirst).toBe(true);
    const out = concat([stream.forward(narrow(ids, 1, 0, 4)), stream.forward(narrow(ids, 1, 4, 2))], 1);
    expect(bits(out)).toEqual(bits(whole));
  });

  it('rejects a bidirectional layer, alone or inside a model, with NotStreamableError', () => {
    const bi = new GRU({ inputSize: 2, hiddenSize: 3, bidirectional: true });
    expect(() => new RecurrentStream(bi)).toThrow(NotStreamableError);
    class Wrapper extends Module {
      readonly inner = this.registerModule('inner', new LSTM({ inputSize: 2, hiddenSize: 3, bidirectional: true }));
      forward(x: Tensor, s: readonly [Tensor, Tensor]) {
        return this.inner.forward(x, s);
      }
      initialState(b: number): [Tensor, Tensor] {
        return [zeros([2, b, 3]), zeros([2, b, 3])];
      }
    }
    expect(() => new RecurrentStream(new Wrapper())).toThrow(/'inner' is a bidirectional LSTM layer/);
  });

  it('checks the input: batch, layout and empty chunks', () => {
    const stream = new RecurrentStream(new GRU({ inputSize: 3, hiddenSize: 2 }), { batchSize: 2 });
    expect(() => stream.forward(randn([4, 3, 3]))).toThrow(ShapeError);
    expect(() => stream.forward(zeros([0, 2, 3]))).toThrow(/at least one step/);
    expect(() => stream.forward(randn([1, 2, 3]), { rows: [0, 2] })).toThrow(IndexError);
  });
});

function randIds(shape: number[]): Tensor {
  return cast(floor(randn(shape).abs().mul(2).clamp({ min: 0, max: 6 })), 'int32');
}

describe('RecurrentStream: many streams as rows of one batch', () => {
  it('a reset row equals a fresh stream while the other rows are unaffected', () => {
    manualSeed(21);
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const first = randn([5, 3, 3]);
    const second = randn([4, 3, 3]);
    const uninterrupted = new RecurrentStream(lstm, { batchSize: 3 });
    uninterrupted.forward(first);
    const expectedKept = uninterrupted.forward(second);
    const fresh = new RecurrentStream(lstm, { batchSize: 3 });
    const expectedReset = fresh.forward(second);

    const stream = new RecurrentStream(lstm, { batchSize: 3 });
    stream.forward(first);
    stream.reset([1]);
    const out = stream.forward(second);
    expect(bits(out.select(1, 1))).toEqual(bits(expectedReset.select(1, 1)));
    for (const row of [0, 2]) expect(bits(out.select(1, row))).toEqual(bits(expectedKept.select(1, row)));
    // And the reset really changed something (so the test can fail).
    expect(bits(out.select(1, 1))).not.toEqual(bits(expectedKept.select(1, 1)));
    stream.reset();
    expect(stateBits(stream.getState())).toEqual(stateBits(fresh.getState().map((t) => zeros(t.shape))));
  });

  it('feeds a subset of rows; the others keep their state', () => {
    manualSeed(22);
    const gru = new GRU({ inputSize: 2, hiddenSize: 3 });
    const stream = new RecurrentStream(gru, { batchSize: 3 });
    stream.forward(randn([2, 3, 2]));
    const before = stream.getState() as Tensor;
    const x = randn([3, 2, 2]);
    // The reference: a 2-row stream started from rows 2 and 0.
    const reference = new RecurrentStream(gru, { batchSize: 2 });
    reference.setState(stream.getState({ rows: [2, 0] }));
    const expected = reference.forward(x);
    const out = stream.forward(x, { rows: [2, 0] });
    expect(bits(out)).toEqual(bits(expected));
    const after = stream.getState() as Tensor;
    const ref = reference.getState() as Tensor;
    expect(bits(after.select(1, 2))).toEqual(bits(ref.select(1, 0)));
    expect(bits(after.select(1, 0))).toEqual(bits(ref.select(1, 1)));
    expect(bits(after.select(1, 1))).toEqual(bits(before.select(1, 1)));
  });

  it('adds and removes streams; remaining rows keep their state, new rows start fresh', () => {
    manualSeed(23);
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3 });
    const stream = new RecurrentStream(rnn, { batchSize: 3 });
    stream.forward(randn([2, 3, 2]));
    const before = stream.getState() as Tensor;
    stream.removeStreams([1]);
    expect(stream.batchSize).toBe(2);
    expect(bits(stream.getState() as Tensor)).toEqual(bits(concat([before.select(1, 0), before.select(1, 2)]).reshape([1, 2, 3])));
    expect(stream.addStreams(2)).toEqual([2, 3]);
    expect(bits((stream.getState() as Tensor).select(1, 3))).toEqual([0, 0, 0]);
    stream.removeStreams([0, 1, 2, 3]);
    expect(stream.batchSize).toBe(0);
    expect(stream.addStreams()).toEqual([0]);
    expect(stream.forward(randn([1, 1, 2])).shape).toEqual([1, 1, 3]);
  });
});

describe('RecurrentStream: state read, written, saved and restored', () => {
  it('save → restore → continue equals an uninterrupted stream', async () => {
    manualSeed(31);
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const a = randn([3, 2, 3]);
    const b = randn([4, 2, 3]);
    const uninterrupted = new RecurrentStream(lstm, { batchSize: 2 });
    uninterrupted.forward(a);
    const bytes = await uninterrupted.saveState({ user: 'ishmael' });
    const expected = uninterrupted.forward(b);

    const restarted = new RecurrentStream(lstm, { batchSize: 5 });
    expect(restarted.loadState(bytes)).toEqual({ user: 'ishmael' });
    expect(restarted.batchSize).toBe(2);
    expect(bits(restarted.forward(b))).toEqual(bits(expected));
    // Without the restore it would differ: the restore is what carries the context.
    expect(bits(new RecurrentStream(lstm, { batchSize: 2 }).forward(b))).not.toEqual(bits(expected));
  });

  it('setState checks structure and shapes; loadState rejects foreign files', async () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4 });
    const stream = new RecurrentStream(lstm, { batchSize: 2 });
    expect(() => stream.setState([zeros([1, 2, 4])] as unknown as [Tensor, Tensor])).toThrow(/expected 2 state tensors/);
    expect(() => stream.setState([zeros([1, 2, 4]), zeros([1, 3, 4])])).toThrow(ShapeError);
    expect(() => stream.setState(zeros([1, 2, 4]) as unknown as [Tensor, Tensor])).toThrow(ShapeError);
    expect(() => stream.setState([zeros([1, 1, 4]), zeros([1, 1, 4])], { rows: [1] })).not.toThrow();
    const gruState = await new RecurrentStream(new GRU({ inputSize: 3, hiddenSize: 4 })).saveState();
    expect(() => stream.loadState(gruState)).toThrow(ShapeError);
    const wrongSize = await new RecurrentStream(new LSTM({ inputSize: 3, hiddenSize: 6 })).saveState();
    expect(() => stream.loadState(wrongSize)).toThrow(/must have shape \[1,1,4\]/);
    const plain = await serializeSafetensors({ weight: zeros([2]) });
    expect(() => stream.loadState(plain)).toThrow(FormatError);
    const missing = await serializeSafetensors({ 'state.0': zeros([1, 2, 4]) }, { format: STREAM_STATE_FORMAT, tensors: '2' });
    expect(() => stream.loadState(missing)).toThrow(/expected tensors state.0, state.1/);
    expect(() => stream.saveState({ format: 'x' })).toThrow(FormatError);
  });

  it('detaches the state between calls (no graph growth, no memory growth) unless asked not to', () => {
    manualSeed(32);
    const gru = new GRU({ inputSize: 2, hiddenSize: 3 });
    const a = randn([3, 1, 2]);
    const b = randn([2, 1, 2]);
    const gradOf = (detach: boolean) => {
      const stream = new RecurrentStream(gru, { detach });
      stream.forward(a);
      stream.forward(b).sum().backward();
      const g = bits(gru.parameters()[1]!.grad!);
      gru.zeroGrad();
      return g;
    };
    // Detached: the gradient of the second chunk is that of a run from a constant state.
    const manual = new RecurrentStream(gru);
    manual.forward(a);
    const [out] = gru.forward(b, manual.getState() as Tensor);
    out.sum().backward();
    const fromConstant = bits(gru.parameters()[1]!.grad!);
    gru.zeroGrad();
    expect(gradOf(true)).toEqual(fromConstant);
    expect(gradOf(false)).not.toEqual(fromConstant);

    // step() keeps the graph to the parameters as forward() does.
    const viaStep = new RecurrentStream(gru);
    viaStep.step(a.select(0, 0)).sum().backward();
    const stepGrad = bits(gru.parameters()[0]!.grad!);
    gru.zeroGrad();
    new RecurrentStream(gru)
      .forward(a.narrow(0, 0, 1))
      .sum()
      .backward();
    expect(stepGrad).toEqual(bits(gru.parameters()[0]!.grad!));
    gru.zeroGrad();

    const stream = new RecurrentStream(gru);
    scope(() => {
      stream.forward(a);
    });
    const live = memory().numTensors;
    for (let i = 0; i < 20; i++) {
      scope(() => {
        stream.step(randn([1, 2]));
      });
    }
    expect(memory().numTensors).toBe(live);
  });
});
