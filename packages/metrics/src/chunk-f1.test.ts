// Chunk extraction (conlleval rules) and chunk F1: the rule cases one by one, hand-checked scores,
// zero division, streaming ≡ one-shot and typed errors. Chunks are [TYPE, start, end], end inclusive.

import { describe, expect, it } from 'vitest';
import { ChunkF1Accumulator, MetricInputError, MetricOptionError, MetricShapeError, chunkF1, extractChunks } from './index.js';
import { expectClose } from '@recur/test-support';

describe('extractChunks', () => {
  it('B-X starts, I-X of the same type continues, O ends', () => {
    expect(extractChunks(['B-PER', 'I-PER', 'O', 'B-LOC'])).toEqual([
      ['PER', 0, 1],
      ['LOC', 3, 3],
    ]);
  });

  it('I-X at the start, after O or after another type opens a new chunk', () => {
    expect(extractChunks(['I-PER', 'I-PER', 'O', 'I-LOC', 'I-PER'])).toEqual([
      ['PER', 0, 1],
      ['LOC', 3, 3],
      ['PER', 4, 4],
    ]);
  });

  it('B-X B-X is two chunks; B-X after I-X ends the first', () => {
    expect(extractChunks(['B-LOC', 'B-LOC', 'I-LOC', 'B-LOC'])).toEqual([
      ['LOC', 0, 0],
      ['LOC', 1, 2],
      ['LOC', 3, 3],
    ]);
  });

  it('the type is everything after the first dash', () => {
    expect(extractChunks(['B-GEO-LOC', 'I-GEO-LOC'])).toEqual([['GEO-LOC', 0, 1]]);
  });

  it('IOBES tags follow seqeval: S-X is one token, E-X closes', () => {
    expect(extractChunks(['S-PER', 'B-LOC', 'E-LOC', 'O'])).toEqual([
      ['PER', 0, 0],
      ['LOC', 1, 2],
    ]);
  });

  it('an empty or all-O sentence has no chunks', () => {
    expect(extractChunks([])).toEqual([]);
    expect(extractChunks(['O', 'O'])).toEqual([]);
  });
});

describe('chunkF1', () => {
  // True: PER[0,1], LOC[3,3]; predicted: PER[0,1] only. Accuracy 3/4.
  const yTrue = [['B-PER', 'I-PER', 'O', 'B-LOC']];
  const yPred = [['B-PER', 'I-PER', 'O', 'O']];

  it('hand-checked per type, micro, macro, weighted and accuracy', () => {
    const report = chunkF1(yTrue, yPred);
    expect(report.perType.types).toEqual(['LOC', 'PER']);
    expect(report.perType.tp).toEqual([0, 1]);
    expect(report.perType.predicted).toEqual([0, 1]);
    expect(report.perType.support).toEqual([1, 1]);
    expect(report.perType.precision).toEqual([0, 1]);
    expectClose([report.micro.precision, report.micro.recall, report.micro.f1], [1, 1 / 2, 2 / 3], { rtol: 1e-12 });
    expectClose([report.macro.precision, report.macro.recall, report.macro.f1], [1 / 2, 1 / 2, 1 / 2], { rtol: 1e-12 });
    expect(report.accuracy).toBe(3 / 4);
  });

  it('a truncated chunk or a wrong type is wrong, whatever the overlap', () => {
    const report = chunkF1([['B-ORG', 'I-ORG', 'I-ORG', 'B-MISC']], [['B-ORG', 'I-ORG', 'O', 'B-ORG']]);
    expect(report.micro.f1).toBe(0);
    expect(report.perType.types).toEqual(['MISC', 'ORG']);
    expect(report.perType.predicted).toEqual([0, 2]);
  });

  it('zeroDivision 1 sets the precision of a type never predicted to 1', () => {
    expect(chunkF1(yTrue, yPred, { zeroDivision: 1 }).perType.precision).toEqual([1, 1]);
  });

  it('chunks never span sentences', () => {
    const report = chunkF1(
      [
        ['O', 'B-PER'],
        ['I-PER', 'O'],
      ],
      [
        ['O', 'B-PER'],
        ['I-PER', 'O'],
      ],
    );
    expect(report.perType.support).toEqual([2]);
  });

  it('streaming sentence by sentence gives exactly the one-shot report', () => {
    const t = [['B-PER', 'I-PER', 'O'], ['I-LOC', 'B-LOC'], [], ['B-MISC', 'O', 'B-PER']];
    const p = [['B-PER', 'O', 'O'], ['B-LOC', 'B-LOC'], [], ['B-MISC', 'B-PER', 'I-PER']];
    const accumulator = new ChunkF1Accumulator();
    t.forEach((sentence, s) => accumulator.update([sentence], [p[s]!]));
    expect(accumulator.compute()).toEqual(chunkF1(t, p));
  });
});

describe('errors', () => {
  it('sentence counts or lengths that differ are MetricShapeErrors', () => {
    expect(() => chunkF1([['O']], [])).toThrow(MetricShapeError);
    expect(() => chunkF1([['O', 'O']], [['O']])).toThrow(/sentence 0 has 2 true tags and 1 predicted tags/);
  });

  it('an unknown tag prefix or no tokens at all is a MetricInputError', () => {
    expect(() => chunkF1([['X-PER']], [['O']])).toThrow(MetricInputError);
    expect(() => extractChunks(['B-PER', 'Q-PER'])).toThrow(/tag 1 is 'Q-PER'/);
    expect(() => chunkF1([[]], [[]])).toThrow(MetricInputError);
  });

  it('a bad tag leaves the accumulator unchanged', () => {
    const accumulator = new ChunkF1Accumulator().update([['B-PER']], [['B-PER']]);
    expect(() => accumulator.update([['O']], [['Z']])).toThrow(MetricInputError);
    expect(accumulator.compute().tokens).toBe(1);
  });

  it('zeroDivision other than 0 or 1 is a MetricOptionError', () => {
    expect(() => new ChunkF1Accumulator({ zeroDivision: 0.5 as 0 })).toThrow(MetricOptionError);
  });
});
