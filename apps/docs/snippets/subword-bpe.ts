// Best practice for text: subword units. A byte-level BPE learns merges from a corpus, never
// meets an unknown word, and decodes back to exactly the input.

// #region example
import { BPE } from '@recur/tokenizers';

const corpus = ['the recurrent network reads the sequence', 'recurrent networks remember', 'the network forgets'];
const bpe = BPE.trainSync(corpus, { vocabSize: 256 + 30, specials: ['<|endoftext|>'] });

const text = 'unrecurrently networked';
const ids = bpe.encode(text);
console.log(bpe.tokenize(text)); // ['u', 'n', 're', 'current', 'l', 'y', 'Ġnetwork', 'e', 'd']
console.log(bpe.decode(ids) === text); // true, for any string
const saved = JSON.stringify(bpe); // Hugging Face tokenizer.json layout; BPE.fromJSON(saved) loads it
// #endregion example
export const roundTrip = bpe.decode(ids) === text && BPE.fromJSON(saved).decode(ids) === text;
