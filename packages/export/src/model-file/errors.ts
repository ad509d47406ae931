// The typed error of whole-model files: a FormatError (so every file reader's error is one
// type) with a `reason` saying which check refused the file.

import { FormatError } from '@recur/backend';

export type ModelFileErrorReason = 'metadata' | 'unknown-module' | 'options' | 'shape' | 'dtype' | 'missing' | 'unexpected';

export class ModelFileError extends FormatError {
  constructor(
    readonly reason: ModelFileErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message);
    if (options && 'cause' in options) Object.defineProperty(this, 'cause', { value: options.cause, configurable: true, writable: true });
  }
}
