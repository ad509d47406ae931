import { describe, expect, it } from 'vitest';
import { loadSpamAssassin } from '@recur/datasets/corpora/spam-assassin';
import { CAMPAIGN_TOKENS, firstWords, splitByCampaign } from './spam-split.js';

describe('firstWords', () => {
  it('reads only as much text as needed, yet never returns a word cut at the slice boundary', () => {
    const long = `${'supercalifragilistic '.repeat(40)}tail`;
    expect(firstWords(long, 3)).toEqual(['supercalifragilistic', 'supercalifragilistic', 'supercalifragilistic']);
    // 24 words of 40 letters need more than the first 32·24 characters.
    const words = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(38)}`);
    expect(firstWords(words.join(' '), 24)).toEqual(words.slice(0, 24));
    expect(firstWords('Short BODY.', 24)).toEqual(['short', 'body', '.']);
  });
});

describe('splitByCampaign on the SpamAssassin corpus', () => {
  it('no validation or test body, nor its first 48 words, appears in training; bodies are unique; about 80/10/10', async () => {
    const corpus = await loadSpamAssassin();
    const splits = splitByCampaign(corpus.all);
    const { train, validation, test } = splits;
    const total = train.length + validation.length + test.length;
    expect(total + splits.stats.duplicates).toBe(corpus.all.length);
    expect(splits.stats.duplicates).toBeGreaterThan(0);

    const normal = (body: string) => body.replace(/\s+/g, ' ').trim();
    const bodies = [...train, ...validation, ...test].map((m) => normal(m.body));
    expect(new Set(bodies).size).toBe(bodies.length);

    const opening = (body: string) => firstWords(body, 48).join(' ');
    const trainBodies = new Set(train.map((m) => m.body));
    const trainOpenings = new Set(train.map((m) => opening(m.body)));
    for (const held of [validation, test]) {
      expect(held.filter((m) => trainBodies.has(m.body))).toEqual([]);
      expect(held.filter((m) => trainOpenings.has(opening(m.body))).length).toBe(0);
    }
    const testOpenings = new Set(test.map((m) => opening(m.body)));
    expect(validation.filter((m) => testOpenings.has(opening(m.body))).length).toBe(0);

    expect(train.length / total).toBeGreaterThan(0.75);
    expect(test.length / total).toBeGreaterThan(0.07);
    expect(validation.length / total).toBeGreaterThan(0.07);
    // Both classes in every part.
    for (const part of [train, validation, test]) expect(new Set(part.map((m) => m.target))).toEqual(new Set([0, 1]));
    expect(CAMPAIGN_TOKENS).toBeLessThanOrEqual(48);
  });

  it('re-sent copies with different headers or spacing land in one split and count once', () => {
    const body = 'Dear friend, you have WON a prize. Claim it now at http://example.com/claim today!';
    const messages = [
      { body, target: 1 },
      { body: `${body}\n`, target: 1 },
      { body: body.replace('today!', 'today!\n\nUnsubscribe: reply STOP'), target: 1 },
      { body: 'Meeting moved to Thursday, same room.', target: 0 },
    ];
    const splits = splitByCampaign(messages);
    expect(splits.stats).toEqual({ duplicates: 1, campaigns: 2 });
    const sideOf = (text: string) => (['train', 'validation', 'test'] as const).find((side) => splits[side].some((m) => m.body === text));
    expect(sideOf(messages[2]!.body)).toBe(sideOf(body));
  });
});
