// The `segment` task: put the spaces back into Moby Dick. A character BiLSTM tags every
// character as beginning a word or not; words are scored as chunks (chunk F1).

import { mulberry32, permutation } from '@recur/datasets';
import { loadMobyDick } from '@recur/datasets/corpora/moby-dick';
import type { Task } from '@recur/sample-core';
import { SEGMENT_DEFAULTS, SEGMENT_QUICK, checkSegmentConfig, type SegmentConfig } from './segment-config.js';
import { SegmentVocab, taggedExamples } from './segment-data.js';
import { SegmentRun, encodeExamples } from './segment-run.js';

export const segmentTask: Task<SegmentConfig> = {
  name: 'segment',
  description: 'Word segmentation of Moby Dick without spaces: character BiLSTM tagger (begin/inside); chunk F1 vs a per-character rule',
  defaultConfig: SEGMENT_DEFAULTS,
  quickConfig: SEGMENT_QUICK,
  metric: { name: 'f1', higherIsBetter: true },
  predictHelp: 'text to segment (its spaces are ignored; nothing: the opening of the book)',
  checkConfig: checkSegmentConfig,

  async create(config, options = {}) {
    const book = await loadMobyDick();
    const texts = (sections: readonly { text: string }[]) => sections.map((s) => s.text);
    // The vocabulary comes from the training text only; a checkpoint carries its own.
    const vocab =
      SegmentVocab.fromJSON(options.state) ??
      SegmentVocab.fit(
        texts(book.train).flatMap((t) => taggedExamples(t, config.maxLen).map((e) => e.text)),
        config.minCount,
      );
    const all = encodeExamples(texts(book.train), config.maxLen, vocab);
    // A limited run samples examples from the whole training text, not only its first chapters.
    const train =
      config.trainLimit > 0 && config.trainLimit < all.length
        ? permutation(all.length, mulberry32(config.seed))
            .slice(0, config.trainLimit)
            .sort((a, b) => a - b)
            .map((i) => all[i]!)
        : all;
    const limit = <T>(items: T[]) => (config.evalLimit > 0 ? items.slice(0, config.evalLimit) : items);
    return new SegmentRun(
      config,
      {
        train,
        validation: limit(encodeExamples(texts(book.validation), config.maxLen, vocab)),
        test: limit(encodeExamples(texts(book.test), config.maxLen, vocab)),
      },
      vocab,
    );
  },
};
