// @recur/sample-segment: the `segment` task (word segmentation of Moby Dick with a character
// BiLSTM tagger) for the `recur` CLI, and its parts as a code example.

export { segmentTask } from './segment-task.js';
export { SEGMENT_DEFAULTS, SEGMENT_QUICK, type SegmentConfig } from './segment-config.js';
export { SegmentRun, encodeExamples, segmentMetrics, type SegmentExample, type SegmentSplits } from './segment-run.js';
export { SegmentVocab, TAG_BEGIN, TAG_INSIDE, bioTags, taggedExamples, unigramRule, words, type TaggedText } from './segment-data.js';
