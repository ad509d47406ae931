// Demo 3: the g2p sample's encoder–decoder, rebuilt from the checkpoint shipped in
// public/models/g2p/ and run on whichever backend the worker chose. Decoding is the sample's own
// (greedy or beam search); the heatmap's weights come from greedy decoding directly, or for a
// beam's winner from one teacher-forced pass over its phonemes (the same states the beam had).
// S letters, T output steps (phonemes and <EOS>).

import { G2pModel, G2pVocab, MAX_PREDICT_LETTERS, decodeBatch, letterBatch } from '@recur/sample-g2p/browser';
import { fromTypedArray, keep, noGrad, parseSafetensors, type Tensor } from '@recur/tensor';
import type { G2pCheckpointInfo, Translation } from './protocol.js';

/** A word the model cannot read. The worker reports it beside the input box, not as a failure. */
export class G2pInputError extends Error {
  override readonly name = 'G2pInputError';
}

/** A loaded checkpoint: the model (in eval mode) and its vocabularies. */
export interface G2pDemoModel {
  readonly model: G2pModel;
  readonly vocab: G2pVocab;
  readonly info: G2pCheckpointInfo;
  readonly parameters: number;
}

/** The checkpoint's JSON must be the format this code reads: say what is wrong otherwise. */
function checkInfo(info: G2pCheckpointInfo, source: string): void {
  if (info?.format !== 'recur-g2p-demo' || info.version !== 1) {
    throw new Error(
      `${source}: expected a recur-g2p-demo version 1 file, got format ${JSON.stringify(info?.format)} version ${JSON.stringify(info?.version)}`,
    );
  }
}

/**
 * Build the model from the checkpoint's JSON and weights. The state dict loads strictly: a
 * missing, extra or mis-shaped tensor throws rather than leaving random weights in place.
 */
export function loadG2p(info: G2pCheckpointInfo, weights: Uint8Array, source = 'g2p checkpoint'): G2pDemoModel {
  checkInfo(info, source);
  const vocab = G2pVocab.fromJSON(info.vocab as never);
  if (!vocab) throw new Error(`${source}: no vocabularies`);
  if (vocab.letters.size !== info.model.letters || vocab.phonemes.size !== info.model.phonemes) {
    throw new Error(
      `${source}: vocabularies of ${vocab.letters.size} letters and ${vocab.phonemes.size} phonemes, model built for ${info.model.letters} and ${info.model.phonemes}`,
    );
  }
  // Dropout is off in eval mode, so its rate does not matter here.
  const model = new G2pModel({ ...info.model, dropout: 0 });
  const { tensors } = parseSafetensors(weights, { source });
  try {
    model.loadStateDict(tensors, { strict: true });
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  model.eval();
  const parameters = model.parameters().reduce((sum, p) => sum + p.size, 0);
  return { model, vocab, info, parameters };
}

/**
 * A typed word → the letters the model reads (CMUdict spells in capitals). Throws a
 * G2pInputError naming the first character outside the model's letters.
 */
export function wordLetters(vocab: G2pVocab, word: string): string[] {
  const trimmed = word.trim();
  if (trimmed === '') throw new G2pInputError('type a word (letters a–z)');
  const letters = Array.from(trimmed.toUpperCase());
  if (letters.length > MAX_PREDICT_LETTERS) throw new G2pInputError(`at most ${MAX_PREDICT_LETTERS} letters, got ${letters.length}`);
  const bad = letters.findIndex((letter) => !vocab.letters.has(letter) || vocab.letters.isSpecial(vocab.letters.idOf(letter)));
  if (bad >= 0) {
    const char = Array.from(trimmed)[bad]!;
    const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new G2pInputError(`“${char}” (U+${code}, character ${bad + 1} of “${trimmed}”) is not a letter the model knows: use a–z and '`);
  }
  return letters;
}

/**
 * The decoder's attention when it is fed `ids` (then <EOS>) after <BOS>: one row per output
 * step over the S letters. For a beam's winner this is exactly the attention it was decoded
 * with, since each step's state depends only on the phonemes before it.
 */
export async function forcedAttention(model: G2pModel, source: Int32Array, ids: readonly number[], bosId: number): Promise<number[][]> {
  const { letters, lengths } = letterBatch([source]);
  const rows: Tensor[] = [];
  noGrad(() => {
    const { memory, state: first } = model.encode(letters, lengths);
    let state = first;
    for (const previous of [bosId, ...ids]) {
      const input = fromTypedArray(Int32Array.of(previous), [1]);
      const step = model.step(input, state, memory);
      rows.push(keep(step.weights));
      for (const t of [input, step.logits, state.h, state.c, state.feed]) t.dispose();
      state = step.state;
    }
    for (const t of [state.h, state.c, state.feed, memory.keys, memory.projected, memory.maskBias]) t?.dispose();
  });
  letters.dispose();
  const out: number[][] = [];
  for (const row of rows) {
    out.push(Array.from(await row.data()));
    row.dispose();
  }
  return out;
}

/** Spell one word in phonemes with greedy (beam 1) or beam search, with the attention behind it. */
export async function translate(loaded: G2pDemoModel, word: string, beam: number): Promise<Translation> {
  const started = performance.now();
  const { model, vocab } = loaded;
  const letters = wordLetters(vocab, word);
  const source = vocab.letters.encode(letters);
  const beamSize = Math.max(1, Math.floor(beam));
  const [decoded] = await decodeBatch(model, [source], { bosId: vocab.bosId, eosId: vocab.eosId, beamSize, keepWeights: beamSize === 1 });
  const weights = decoded!.weights ?? (await forcedAttention(model, source, decoded!.ids, vocab.bosId));
  return {
    word: word.trim(),
    letters,
    phonemes: vocab.decode(decoded!.ids),
    weights,
    beam: beamSize,
    score: decoded!.score,
    milliseconds: performance.now() - started,
  };
}
