// Byte-level BPE tokenizer (GPT-2 style): text → WTF-8 bytes → merges by rank → ids, and back.
// Every JS string round-trips exactly, lone surrogates included; nothing ever becomes UNK.

import { AddedTokenMatcher, type AddedToken } from './added-tokens.js';
import { BYTE_TO_CHAR, bytesToSymbols, preTokenize, symbolsToBytes } from './byte-level.js';
import { learnBpe, WordCounter, type BpeTrainOptions } from './bpe-trainer.js';
import { TokenizerError } from './errors.js';
import { checkOptions } from './options.js';
import { describe } from './json-validate.js';
import { MinHeap } from './min-heap.js';
import { readTokenizerJSON, writeTokenizerJSON, type TokenizerJSON } from './tokenizer-json.js';
import { decodeWtf8, encodeWtf8, encodeWtf8Into } from './wtf8.js';

/** Everything a BPE tokenizer is made of; the fields mirror tokenizer.json's. */
export interface BpeModel {
  /** Token → id. Ids must be distinct and below 2^26; all 256 byte symbols must be present. */
  vocab: ReadonlyMap<string, number>;
  /** Merges by rank: `[left, right]`, both tokens of `vocab`, as is `left + right`. */
  merges: readonly (readonly [string, string])[];
  addedTokens?: readonly AddedToken[];
  /** Prepend a space to text (and each stretch between added tokens) not starting with one. */
  addPrefixSpace?: boolean;
  /** Split with GPT-2's pattern before merging (default true); off, each stretch is one piece. */
  useRegex?: boolean;
  /** A piece that is itself a token skips the merges (Llama 3's `ignore_merges`). */
  ignoreMerges?: boolean;
}

export interface BpeEncodeOptions {
  /** Turn added tokens' text into their ids (default true); off, it is encoded as bytes. */
  matchSpecials?: boolean;
}

export interface BpeDecodeOptions {
  /** Leave out added tokens marked special. Default false. */
  skipSpecials?: boolean;
}

/** Report a bad part of a model, naming it by its tokenizer.json path. */
export type ModelReport = (path: string, expected: string, got: unknown) => never;

const ID_LIMIT = 2 ** 26;
const CACHE_LIMIT = 50_000;
const SHORT_PIECE = 24;

export class BPE {
  readonly addPrefixSpace: boolean;
  readonly useRegex: boolean;
  readonly ignoreMerges: boolean;
  /** Largest id + 1. */
  readonly vocabSize: number;
  private readonly idByToken: Map<string, number>;
  private readonly tokenById: (string | undefined)[] = [];
  private readonly bytesById: (Uint8Array | undefined)[] = [];
  private readonly byteIds = new Int32Array(256);
  private readonly rankByPair = new Map<number, number>();
  private readonly mergedIdByRank: Int32Array;
  private readonly mergeList: (readonly [string, string])[];
  private readonly added: AddedToken[];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly matcher: AddedTokenMatcher;
  private readonly cache = new Map<string, Int32Array>();
  private scratch: Uint8Array = new Uint8Array(256);

  /** Check and index a model; `report` shapes the error (TokenizerError unless told otherwise). */
  constructor(model: BpeModel, report: ModelReport = reportTokenizerError) {
    this.addPrefixSpace = model.addPrefixSpace ?? false;
    this.useRegex = model.useRegex ?? true;
    this.ignoreMerges = model.ignoreMerges ?? false;
    this.idByToken = new Map(model.vocab);
    this.added = [...(model.addedTokens ?? [])];
    const addedContent = new Set<string>();
    this.added.forEach((token, i) => {
      if (!Number.isInteger(token.id) || token.id < 0 || token.id >= ID_LIMIT) {
        report(`added_tokens[${i}].id`, `an integer id below ${ID_LIMIT}`, token.id);
      }
      if (token.content.length === 0) report(`added_tokens[${i}].content`, 'a non-empty string', token.content);
      const holder = this.idByToken.get(token.content);
      if (holder !== undefined && holder !== token.id) {
        report(`added_tokens[${i}].id`, `${holder}, the id model.vocab gives ${JSON.stringify(token.content)}`, token.id);
      }
      if (this.addedById.has(token.id) || addedContent.has(token.content)) {
        report(`added_tokens[${i}]`, 'an added token with its own id and content', token);
      }
      this.addedById.set(token.id, token);
      addedContent.add(token.content);
      this.tokenById[token.id] = token.content;
      this.bytesById[token.id] = encodeWtf8(token.content);
    });
    for (const [token, id] of this.idByToken) {
      const path = `model.vocab[${JSON.stringify(token)}]`;
      if (!Number.isInteger(id) || id < 0 || id >= ID_LIMIT) report(path, `an integer id below ${ID_LIMIT}`, id);
      const addedToken = this.addedById.get(id);
      if (addedToken !== undefined) {
        if (addedToken.content !== token)
          report(path, `the id of no other token (added token ${JSON.stringify(addedToken.content)} has it)`, id);
        continue;
      }
      if (this.tokenById[id] !== undefined) report(path, `the id of no other token (${JSON.stringify(this.tokenById[id])} has it)`, id);
      const bytes = symbolsToBytes(token);
      if (bytes === undefined || bytes.length === 0) {
        report(path, 'a token spelled in byte-level symbols (or an added token)', token);
      }
      this.tokenById[id] = token;
      this.bytesById[id] = bytes;
    }
    for (let byte = 0; byte < 256; byte++) {
      const id = this.idByToken.get(BYTE_TO_CHAR[byte]!);
      if (id === undefined || this.addedById.has(id)) {
        report(`model.vocab[${JSON.stringify(BYTE_TO_CHAR[byte])}]`, `present: it stands for byte ${byte}`, undefined);
      }
      this.byteIds[byte] = id;
    }
    this.mergeList = model.merges.map(([left, right]) => [left, right] as const);
    this.mergedIdByRank = new Int32Array(this.mergeList.length);
    this.mergeList.forEach(([left, right], rank) => {
      const path = `model.merges[${rank}]`;
      const leftId = this.modelId(left);
      const rightId = this.modelId(right);
      const mergedId = this.modelId(left + right);
      if (leftId === undefined) report(path, `a merge of vocabulary tokens (${JSON.stringify(left)} is not one)`, `${left} ${right}`);
      if (rightId === undefined) report(path, `a merge of vocabulary tokens (${JSON.stringify(right)} is not one)`, `${left} ${right}`);
      if (mergedId === undefined)
        report(path, `a merge whose result ${JSON.stringify(left + right)} is in model.vocab`, `${left} ${right}`);
      const key = leftId * ID_LIMIT + rightId;
      // A pair listed twice keeps its first (lowest) rank.
      if (!this.rankByPair.has(key)) this.rankByPair.set(key, rank);
      this.mergedIdByRank[rank] = mergedId;
    });
    this.vocabSize = this.tokenById.length;
    this.matcher = new AddedTokenMatcher(this.added);
  }

  /**
   * Train on a corpus streamed item by item (lines, files, chapters; sync or async). Only the
   * distinct pieces and their counts are kept, never the corpus. A lone string is one item.
   */
  static async train(corpus: Iterable<string> | AsyncIterable<string>, options: BpeTrainOptions): Promise<BPE> {
    const counter = new WordCounter(options.specials);
    for await (const text of typeof corpus === 'string' ? [corpus] : corpus) counter.add(text);
    return BPE.fromCounts(counter, options);
  }

  /** `train` for a synchronous corpus. */
  static trainSync(corpus: Iterable<string>, options: BpeTrainOptions): BPE {
    const counter = new WordCounter(options.specials);
    for (const text of typeof corpus === 'string' ? [corpus] : corpus) counter.add(text);
    return BPE.fromCounts(counter, options);
  }

  private static fromCounts(counter: WordCounter, options: BpeTrainOptions): BPE {
    const { tokens, merges } = learnBpe(counter.counts, options);
    const specials = options.specials ?? [];
    return new BPE({
      vocab: new Map(tokens.map((token, id) => [token, id])),
      merges,
      addedTokens: specials.map((content, id) => ({ id, content, special: true })),
    });
  }

  /**
   * Load a Hugging Face tokenizer.json (object or text) holding a byte-level BPE. Anything
   * missing, mistyped or inconsistent throws a FormatError naming `source` and the JSON path.
   */
  static fromJSON(json: unknown, source = 'tokenizer.json'): BPE {
    const { model, report } = readTokenizerJSON(json, source);
    return new BPE(model, report);
  }

  /** The tokenizer.json form; `JSON.stringify(bpe)` writes a file Hugging Face can load. */
  toJSON(): TokenizerJSON {
    return writeTokenizerJSON(this);
  }

  /** Merges in rank order. */
  get merges(): readonly (readonly [string, string])[] {
    return this.mergeList;
  }

  /** Added tokens in the order given. */
  get addedTokens(): readonly AddedToken[] {
    return this.added;
  }

  /** Model vocabulary (byte-level spellings and added tokens) as token → id. */
  get vocab(): ReadonlyMap<string, number> {
    return this.idByToken;
  }

  tokenToId(token: string): number | undefined {
    return this.idByToken.get(token) ?? this.added.find((added) => added.content === token)?.id;
  }

  idToToken(id: number): string | undefined {
    return this.tokenById[id];
  }

  encode(text: string, options: BpeEncodeOptions = {}): Int32Array {
    checkOptions('BPE.encode', options, ['matchSpecials']);
    // Byte-level BPE gives at most one id per byte, usually far fewer: start at a guess, grow.
    let ids = new Int32Array(Math.max(16, text.length >> 1));
    let n = 0;
    const append = (more: Int32Array): void => {
      if (n + more.length > ids.length) {
        const grown = new Int32Array(2 * (n + more.length));
        grown.set(ids.subarray(0, n));
        ids = grown;
      }
      ids.set(more, n);
      n += more.length;
    };
    const encodeStretch = (stretch: string): void => {
      const input = this.addPrefixSpace && !stretch.startsWith(' ') ? ` ${stretch}` : stretch;
      for (const piece of preTokenize(input, this.useRegex)) append(this.encodePiece(piece));
    };
    if (options.matchSpecials ?? true) this.matcher.split(text, encodeStretch, (id) => append(Int32Array.of(id)));
    else if (text.length > 0) encodeStretch(text);
    return ids.slice(0, n);
  }

  /** The token strings `encode` would give ids for (byte-level spellings, e.g. `Ġwhale`). */
  tokenize(text: string, options: BpeEncodeOptions = {}): string[] {
    return Array.from(this.encode(text, options), (id) => this.tokenById[id]!);
  }

  /** Text for `ids`: bytes joined, then WTF-8 decoded; bytes that are no UTF-8 read as U+FFFD. */
  decode(ids: ArrayLike<number>, options: BpeDecodeOptions = {}): string {
    checkOptions('BPE.decode', options, ['skipSpecials']);
    let bytes = new Uint8Array(Math.max(16, ids.length * 4));
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const tokenBytes = this.bytesById[id];
      if (tokenBytes === undefined) {
        throw new TokenizerError(`BPE.decode: ids[${i}] = ${id} is not in the vocabulary [0, ${this.vocabSize})`);
      }
      if (options.skipSpecials && this.addedById.get(id)?.special) continue;
      if (n + tokenBytes.length > bytes.length) {
        const grown = new Uint8Array(2 * (n + tokenBytes.length));
        grown.set(bytes.subarray(0, n));
        bytes = grown;
      }
      bytes.set(tokenBytes, n);
      n += tokenBytes.length;
    }
    return decodeWtf8(bytes, 0, n);
  }

  private modelId(token: string): number | undefined {
    const id = this.idByToken.get(token);
    return id === undefined || this.addedById.has(id) ? undefined : id;
  }

  private encodePiece(piece: string): Int32Array {
    const cached = this.cache.get(piece);
    if (cached !== undefined) return cached;
    const [bytes, n] = encodeWtf8Into(piece, this.scratch);
    this.scratch = bytes;
    let result: Int32Array | undefined;
    if (this.ignoreMerges) {
      const whole = this.modelId(bytesToSymbols(bytes, 0, n));
      if (whole !== undefined) result = Int32Array.of(whole);
    }
    result ??= this.mergeBytes(bytes, n);
    // Text has a long tail of distinct pieces; a bounded cache keeps memory flat on big corpora.
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(piece, result);
    return result;
  }

  /** Apply merges lowest rank first, leftmost first among equal ranks (as training applied them). */
  private mergeBytes(bytes: Uint8Array, n: number): Int32Array {
    const symbols = new Int32Array(n);
    for (let i = 0; i < n; i++) symbols[i] = this.byteIds[bytes[i]!]!;
    if (n < 2) return symbols;
    return n <= SHORT_PIECE ? this.mergeShort(symbols) : this.mergeLong(symbols);
  }

  // Most pieces are a word's few bytes: rescanning for the best pair beats heap bookkeeping.
  private mergeShort(symbols: Int32Array): Int32Array {
    let n = symbols.length;
    for (;;) {
      let bestRank = -1;
      let bestAt = -1;
      for (let i = 0; i + 1 < n; i++) {
        const rank = this.rankByPair.get(symbols[i]! * ID_LIMIT + symbols[i + 1]!);
        if (rank !== undefined && (bestRank < 0 || rank < bestRank)) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestRank < 0) return symbols.slice(0, n);
      symbols[bestAt] = this.mergedIdByRank[bestRank]!;
      symbols.copyWithin(bestAt + 1, bestAt + 2, n);
      n--;
    }
  }

  // Long pieces (runs of spaces, text without word breaks): a linked list and a heap of
  // candidate merges keep the work near n log n.
  private mergeLong(symbols: Int32Array): Int32Array {
    const n = symbols.length;
    const next = new Int32Array(n);
    const previous = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      previous[i] = i - 1;
    }
    // Entries are rank * n + position: one number orders by rank, then by position.
    const heap = new MinHeap<number>((a, b) => a < b);
    const rankAt = (i: number): number => {
      const j = next[i]!;
      if (j < 0) return -1;
      return this.rankByPair.get(symbols[i]! * ID_LIMIT + symbols[j]!) ?? -1;
    };
    for (let i = 0; i + 1 < n; i++) {
      const rank = rankAt(i);
      if (rank >= 0) heap.push(rank * n + i);
    }
    let count = n;
    while (heap.size > 0) {
      const entry = heap.pop()!;
      const rank = Math.floor(entry / n);
      const i = entry - rank * n;
      if (!alive[i] || rankAt(i) !== rank) continue;
      const j = next[i]!;
      symbols[i] = this.mergedIdByRank[rank]!;
      alive[j] = 0;
      count--;
      const after = next[j]!;
      next[i] = after;
      if (after >= 0) previous[after] = i;
      const before = previous[i]!;
      if (before >= 0) {
        const leftRank = rankAt(before);
        if (leftRank >= 0) heap.push(leftRank * n + before);
      }
      const rightRank = rankAt(i);
      if (rightRank >= 0) heap.push(rightRank * n + i);
    }
    const out = new Int32Array(count);
    for (let i = 0, k = 0; i >= 0; i = next[i]!) out[k++] = symbols[i]!;
    return out;
  }
}

function reportTokenizerError(path: string, expected: string, got: unknown): never {
  throw new TokenizerError(`BPE: ${path} must be ${expected}, got ${describe(got)}`);
}
