// The SpamAssassin corpus: record types, labels per group, the hash split's sizes, no overlap.

import { beforeAll, describe, expect, it } from 'vitest';
import { SPAM_ASSASSIN_CLASSES, loadSpamAssassin } from './spam-assassin.js';

let corpus: Awaited<ReturnType<typeof loadSpamAssassin>>;

beforeAll(async () => {
  corpus = await loadSpamAssassin();
}, 30_000);

describe('loadSpamAssassin', () => {
  it('reads 6046 typed messages: 4150 ham, 1896 spam', () => {
    expect(corpus.all).toHaveLength(6046);
    expect(corpus.all.filter((r) => r.label === 'spam')).toHaveLength(1896);
    const first = corpus.all[0]!;
    expect(first.id).toBe('easy-ham-1/00001');
    expect(first).toMatchObject({ group: 'easy-ham-1', label: 'ham', target: 0 });
    expect(first.text.startsWith('From ')).toBe(true);
    expect(first.body.length).toBeGreaterThan(0);
    expect(first.text.endsWith(first.body)).toBe(true);
    expect(first.body).not.toMatch(/^Return-Path:/m);
    const mislabelled = corpus.all.filter(
      (r) => r.target !== (r.group.startsWith('spam') ? 1 : 0) || SPAM_ASSASSIN_CLASSES[r.target] !== r.label,
    );
    expect(mislabelled).toEqual([]);
  });

  it('splits 4895 / 601 / 550 by checksum with no message in two parts', () => {
    expect([corpus.train.length, corpus.validation.length, corpus.test.length]).toEqual([4895, 601, 550]);
    expect([corpus.train, corpus.validation, corpus.test].map((part) => part.filter((r) => r.label === 'spam').length)).toEqual([
      1518, 205, 173,
    ]);
    const ids = [corpus.train, corpus.validation, corpus.test].flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(6046);
  });
});
