// Chunk (entity) extraction from BIO tags with conlleval's rules, as seqeval's default mode:
// B-X starts a chunk, I-X continues one of type X, and an I-X after O, the sentence start or
// another type starts a new one. A tag is 'O' or P-TYPE (P the prefix before the first '-').

import { MetricInputError } from './errors.js';

/** [TYPE, start, end], token indices within the sentence, end inclusive. */
export type Chunk = readonly [type: string, start: number, end: number];

interface Tag {
  readonly prefix: string;
  readonly type: string;
}

// E and S (IOBES) are accepted with seqeval's rules; for BIO input they never fire.
const PREFIXES = new Set(['B', 'I', 'O', 'E', 'S']);

function parseTag(tag: string, where: string): Tag {
  if (typeof tag !== 'string') throw new MetricInputError(`extractChunks: ${where} is a ${typeof tag}, expected a tag string`);
  const dash = tag.indexOf('-');
  const prefix = dash < 0 ? tag : tag.slice(0, dash);
  if (!PREFIXES.has(prefix)) {
    throw new MetricInputError(`extractChunks: ${where} is '${tag}'; expected 'O' or B-/I-/E-/S- followed by a type`);
  }
  return { prefix, type: dash < 0 ? '' : tag.slice(dash + 1) };
}

const OUTSIDE: Tag = { prefix: 'O', type: '' };

function endsChunk(previous: Tag, current: Tag): boolean {
  if (previous.prefix === 'E' || previous.prefix === 'S') return true;
  if (
    (previous.prefix === 'B' || previous.prefix === 'I') &&
    (current.prefix === 'B' || current.prefix === 'S' || current.prefix === 'O')
  ) {
    return true;
  }
  return previous.prefix !== 'O' && previous.type !== current.type;
}

function startsChunk(previous: Tag, current: Tag): boolean {
  if (current.prefix === 'B' || current.prefix === 'S') return true;
  if (
    (current.prefix === 'E' || current.prefix === 'I') &&
    (previous.prefix === 'E' || previous.prefix === 'S' || previous.prefix === 'O')
  ) {
    return true;
  }
  return current.prefix !== 'O' && previous.type !== current.type;
}

/** The chunks of one sentence, left to right; a chunk never outlives its sentence. */
export function extractChunks(tags: readonly string[]): Chunk[] {
  const chunks: Chunk[] = [];
  let previous = OUTSIDE;
  let start = -1;
  // One virtual O after the last token closes a chunk that runs to the end of the sentence.
  for (let i = 0; i <= tags.length; i++) {
    const current = i < tags.length ? parseTag(tags[i]!, `tag ${i}`) : OUTSIDE;
    if (start >= 0 && endsChunk(previous, current)) {
      chunks.push([previous.type, start, i - 1]);
      start = -1;
    }
    if (startsChunk(previous, current)) start = i;
    previous = current;
  }
  return chunks;
}
