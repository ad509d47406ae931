// @recur/sample-stream: the `stream` task (births streamed one day at a time, forecast then
// learned from online) for the `recur` CLI, and its parts for use as a code example.

export { streamTask } from './stream-task.js';
export { STREAM_DEFAULTS, STREAM_QUICK, type StreamConfig } from './stream-config.js';
export { StreamModel, type StreamModelOptions } from './stream-model.js';
export { OnlineForecaster, SEASONAL_NAIVE, type OnlineOptions } from './stream-forecaster.js';
export { StreamRun, parseValues, scores, type Replay, type StreamSeries } from './stream-run.js';
export {
  History,
  HISTORY,
  SEASON,
  STEP_FEATURES,
  WEEKS,
  seriesSteps,
  standardize,
  type SeriesSteps,
  type Standardizer,
} from './stream-data.js';
export { exportStreamOnnx } from './stream-onnx.js';
