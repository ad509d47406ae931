import { describe, expect, it } from 'vitest';
import { encoderFromJSON, fitEncoder } from './spam-text.js';

const texts = ['Buy cheap meds now!!! Click here', 'Meeting moved to Tuesday, see you there', 'click here to buy now'];

describe('text encoders', () => {
  it('word: <PAD>=0 never appears, unknown words are <UNK>=1, the first maxTokens are kept, JSON round-trips', () => {
    const encoder = fitEncoder('word', texts, 100, 5);
    const ids = encoder.encode('click here zebra buy now please more', 5);
    expect(ids).toHaveLength(5);
    expect([...ids]).not.toContain(0);
    expect(ids[2]).toBe(1);
    expect([...encoder.encode('', 5)]).toEqual([1]);
    const restored = encoderFromJSON(JSON.parse(JSON.stringify(encoder.toJSON())))!;
    expect([...restored.encode('click here zebra', 5)]).toEqual([...encoder.encode('click here zebra', 5)]);
    expect(restored.vocabSize).toBe(encoder.vocabSize);
  });

  it('bpe: id 0 is <pad>, encodings are capped and never empty, JSON round-trips', () => {
    const encoder = fitEncoder('bpe', texts, 256 + 1 + 10, 8);
    expect(encoder.vocabSize).toBe(267);
    const ids = encoder.encode('click here to buy cheap meds', 8);
    expect(ids.length).toBeLessThanOrEqual(8);
    expect([...ids]).not.toContain(0);
    expect(encoder.encode('', 8).length).toBe(1);
    const restored = encoderFromJSON(JSON.parse(JSON.stringify(encoder.toJSON())))!;
    expect([...restored.encode('click here', 8)]).toEqual([...encoder.encode('click here', 8)]);
  });

  it('returns null for state that holds no encoder', () => {
    expect(encoderFromJSON(null)).toBeNull();
    expect(encoderFromJSON({ kind: 'other' })).toBeNull();
  });
});
