// Streaming: carry a recurrent module's state across calls, per stream (batch row).

export {
  RecurrentStream,
  NotStreamableError,
  type StreamableModule,
  type StateOf,
  type RecurrentStreamOptions,
  type FeedOptions,
} from './recurrent-stream.js';
export { type RecurrentState } from './stream-state.js';
export { STREAM_STATE_FORMAT } from './stream-file.js';
