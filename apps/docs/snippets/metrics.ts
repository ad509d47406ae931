// Best practice for evaluation: sequence metrics. BLEU for translation, ROUGE for summaries,
// chunk F1 for tagging and error rates for speech, all on plain arrays.

// #region example
import { chunkF1, corpusBleu, f1Score, rouge, wordErrorRate } from '@recur/metrics';

const reference = 'the cat sat on the mat'.split(' ');
const hypothesis = 'the cat sat on a mat'.split(' ');

console.log(corpusBleu([[reference]], [hypothesis], { smoothing: 'method1' }).toFixed(3)); // BLEU as NLTK computes it
console.log(rouge(reference, hypothesis).rougeL.fMeasure.toFixed(3)); // 0.833
console.log(chunkF1([['B-PER', 'I-PER', 'O', 'B-LOC']], [['B-PER', 'I-PER', 'O', 'O']]).micro.f1.toFixed(3)); // 0.667
console.log(f1Score([0, 1, 2, 2], [0, 2, 2, 2], { average: 'macro' })); // 0.6, as scikit-learn
console.log(wordErrorRate('the cat sat', 'the cat sat down').rate.toFixed(3)); // 0.333
// #endregion example
export const rougeL = rouge(reference, hypothesis).rougeL.fMeasure;
