// Errors a user can fix (a bad config value, a missing or unusable checkpoint). The CLI turns
// them into a one-line message and exit code 2; their messages name what is wrong and where.

/** A config (file, flag or merged value) that does not fit the task. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A checkpoint that is missing, unreadable, not a task checkpoint, or does not fit the run. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** Input to `predict` that the task cannot read. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
