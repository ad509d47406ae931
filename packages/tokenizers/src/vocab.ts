// Vocab: token ↔ id with the seed's specials `<PAD>`=0 and `<UNK>`=1, optional `<BOS>`/`<EOS>`
// after them, built by counting token streams. Ties in frequency keep first-occurrence order.

import { TokenizerError } from './errors.js';
import { checkOptions } from './options.js';
import { at, expectArray, expectId, expectObject, expectString, fail, field } from './json-validate.js';
import { parseJsonText } from './json-text.js';

export const PAD = '<PAD>';
export const UNK = '<UNK>';
export const BOS = '<BOS>';
export const EOS = '<EOS>';

export interface VocabOptions {
  /** Reserve `<BOS>` (id 2). Default false. */
  bos?: boolean;
  /** Reserve `<EOS>` (id 2, or 3 after `<BOS>`). Default false. */
  eos?: boolean;
}

export interface VocabBuildOptions extends VocabOptions {
  /** Keep tokens seen at least this many times. Default 1. */
  minFreq?: number;
  /** Largest vocabulary size, specials included (like torchtext's `max_tokens`). Default unlimited. */
  maxSize?: number;
}

export interface EncodeOptions {
  /** Put `<BOS>` first; the vocab must have it. */
  addBos?: boolean;
  /** Put `<EOS>` last; the vocab must have it. */
  addEos?: boolean;
}

export interface DecodeOptions {
  /** Leave out `<PAD>`, `<UNK>`, `<BOS>`, `<EOS>`. Default false. */
  skipSpecials?: boolean;
}

/** The saved form: the tokens in id order and where the specials sit. */
export interface VocabJSON {
  version: 1;
  tokens: string[];
  specials: { pad: 0; unk: 1; bos?: number; eos?: number };
}

export class Vocab {
  readonly padId = 0;
  readonly unkId = 1;
  /** Id of `<BOS>`, or undefined when the vocab has none. */
  readonly bosId: number | undefined;
  /** Id of `<EOS>`, or undefined when the vocab has none. */
  readonly eosId: number | undefined;
  private readonly idByToken = new Map<string, number>();
  private readonly tokenById: string[] = [];
  private readonly specialCount: number;

  /** Specials first, then `tokens` in order; repeats and tokens spelled like a special are skipped. */
  constructor(tokens: Iterable<string> = [], options: VocabOptions = {}) {
    checkOptions('Vocab', options, ['bos', 'eos']);
    this.push(PAD);
    this.push(UNK);
    this.bosId = options.bos ? this.push(BOS) : undefined;
    this.eosId = options.eos ? this.push(EOS) : undefined;
    this.specialCount = this.tokenById.length;
    for (const token of tokens) this.add(token);
  }

  /**
   * Count tokens over `sequences` (each item one tokenized text) and keep those seen at least
   * `minFreq` times, most frequent first. Equal counts keep the order of first occurrence, so
   * the same stream always gives the same ids. `maxSize` caps the size with specials included.
   */
  static build(sequences: Iterable<Iterable<string>>, options: VocabBuildOptions = {}): Vocab {
    const counts = new Map<string, number>();
    for (const sequence of sequences) countInto(counts, sequence);
    return Vocab.fromCounts(counts, options);
  }

  /** `build` over an async stream (a file read line by line, a dataset loader). */
  static async buildAsync(
    sequences: AsyncIterable<Iterable<string>> | Iterable<Iterable<string>>,
    options: VocabBuildOptions = {},
  ): Promise<Vocab> {
    const counts = new Map<string, number>();
    for await (const sequence of sequences) countInto(counts, sequence);
    return Vocab.fromCounts(counts, options);
  }

  /** Keep the counted tokens by the rules of `build`; the Map's insertion order is first occurrence. */
  static fromCounts(counts: ReadonlyMap<string, number>, options: VocabBuildOptions = {}): Vocab {
    checkOptions('Vocab.build', options, ['bos', 'eos', 'minFreq', 'maxSize']);
    const minFreq = options.minFreq ?? 1;
    const maxSize = options.maxSize ?? Infinity;
    if (!(minFreq >= 0)) throw new TokenizerError(`Vocab: minFreq must be >= 0, got ${minFreq}`);
    const specials = 2 + (options.bos ? 1 : 0) + (options.eos ? 1 : 0);
    if (!(maxSize >= specials)) {
      throw new TokenizerError(`Vocab: maxSize must leave room for the ${specials} specials, got ${maxSize}`);
    }
    const kept = [...counts].filter(([token, count]) => count >= minFreq && !isSpecialSpelling(token));
    // Array.prototype.sort is stable, so equal counts stay in first-occurrence order.
    kept.sort((a, b) => b[1] - a[1]);
    const room = maxSize - specials;
    return new Vocab(
      kept.slice(0, room).map(([token]) => token),
      { bos: options.bos, eos: options.eos },
    );
  }

  /** Read the form written by `toJSON`, from an object or JSON text; FormatError names the field. */
  static fromJSON(json: unknown, source = 'vocab.json'): Vocab {
    const data = typeof json === 'string' ? parseJsonText(json, source) : json;
    const top = expectObject(data, at(source, ''));
    const [version, versionAt] = field(top, 'version', at(source, ''));
    if (version !== 1) fail(versionAt, '1', version);
    const [tokensValue, tokensAt] = field(top, 'tokens', at(source, ''));
    const tokens = expectArray(tokensValue, tokensAt).map((token, i) => expectString(token, at(source, `tokens[${i}]`)));
    const [specialsValue, specialsAt] = field(top, 'specials', at(source, ''));
    const specials = expectObject(specialsValue, specialsAt);
    const expected: [string, string, number | undefined][] = [
      ['pad', PAD, 0],
      ['unk', UNK, 1],
      ['bos', BOS, undefined],
      ['eos', EOS, undefined],
    ];
    const roles: Record<string, number | undefined> = {};
    for (const [role, spelling, fixedId] of expected) {
      const [value, valueAt] = field(specials, role, specialsAt);
      if (value === undefined && fixedId === undefined) continue;
      const id = expectId(value, valueAt);
      if (fixedId !== undefined && id !== fixedId) fail(valueAt, String(fixedId), id);
      if (tokens[id] !== spelling) fail(at(source, `tokens[${id}]`), JSON.stringify(spelling), tokens[id]);
      roles[role] = id;
    }
    const vocab = new Vocab([], { bos: roles.bos !== undefined, eos: roles.eos !== undefined });
    if (vocab.bosId !== roles.bos || vocab.eosId !== roles.eos) {
      fail(specialsAt, 'bos then eos right after pad and unk', specials);
    }
    const seen = new Map<string, number>();
    tokens.forEach((token, i) => {
      const first = seen.get(token);
      if (first !== undefined) fail(at(source, `tokens[${i}]`), `unique (tokens[${first}] is the same)`, token);
      seen.set(token, i);
      if (i >= vocab.specialCount) {
        if (isSpecialSpelling(token)) fail(at(source, `tokens[${i}]`), 'a non-special token', token);
        vocab.add(token);
      }
    });
    return vocab;
  }

  /** Number of tokens, specials included. */
  get size(): number {
    return this.tokenById.length;
  }

  has(token: string): boolean {
    return this.idByToken.has(token);
  }

  /** The token's id, or `unkId` when unknown. */
  idOf(token: string): number {
    return this.idByToken.get(token) ?? this.unkId;
  }

  tokenOf(id: number): string {
    const token = this.tokenById[id];
    if (token === undefined) {
      throw new TokenizerError(`Vocab: id ${id} is outside the vocabulary [0, ${this.size})`);
    }
    return token;
  }

  /** True for the ids of `<PAD>`, `<UNK>`, `<BOS>`, `<EOS>`. */
  isSpecial(id: number): boolean {
    return id >= 0 && id < this.specialCount;
  }

  /** Tokens in id order. */
  tokens(): readonly string[] {
    return this.tokenById;
  }

  /** Ids for `tokens`; unknown tokens become `unkId`. */
  encode(tokens: Iterable<string>, options: EncodeOptions = {}): Int32Array {
    checkOptions('Vocab.encode', options, ['addBos', 'addEos']);
    const ids: number[] = [];
    if (options.addBos) ids.push(this.requireSpecial(this.bosId, BOS));
    for (const token of tokens) ids.push(this.idOf(token));
    if (options.addEos) ids.push(this.requireSpecial(this.eosId, EOS));
    return Int32Array.from(ids);
  }

  /** Tokens for `ids`; throws TokenizerError on an id outside the vocabulary. */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string[] {
    checkOptions('Vocab.decode', options, ['skipSpecials']);
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (options.skipSpecials && this.isSpecial(id)) continue;
      tokens.push(this.tokenOf(id));
    }
    return tokens;
  }

  toJSON(): VocabJSON {
    const specials: VocabJSON['specials'] = { pad: 0, unk: 1 };
    if (this.bosId !== undefined) specials.bos = this.bosId;
    if (this.eosId !== undefined) specials.eos = this.eosId;
    return { version: 1, tokens: [...this.tokenById], specials };
  }

  private add(token: string): void {
    // A corpus word spelled like an unreserved special ("<BOS>" without bos) stays out, so the
    // spelling never means two things.
    if (this.idByToken.has(token) || isSpecialSpelling(token)) return;
    this.push(token);
  }

  private push(token: string): number {
    const id = this.tokenById.length;
    this.tokenById.push(token);
    this.idByToken.set(token, id);
    return id;
  }

  private requireSpecial(id: number | undefined, spelling: string): number {
    if (id === undefined) {
      throw new TokenizerError(`Vocab: ${spelling} was asked for but the vocab was built without it`);
    }
    return id;
  }
}

function countInto(counts: Map<string, number>, sequence: Iterable<string>): void {
  for (const token of sequence) counts.set(token, (counts.get(token) ?? 0) + 1);
}

function isSpecialSpelling(token: string): boolean {
  return token === PAD || token === UNK || token === BOS || token === EOS;
}
