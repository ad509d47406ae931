// Errors a user can fix (a bad config value, a missing or unusable checkpoint, an unusable
// output directory, a diverged run). The CLI turns them into a one-line message and exit code 2;
// their messages name what is wrong and where.

/** A config (file, flag or merged value) that does not fit the task. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A checkpoint that is missing, unreadable, not a task checkpoint, or does not fit the run. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** An output directory that cannot be created or written (a file in the way, a pseudo filesystem). */
export class OutputDirError extends Error {
  override readonly name = 'OutputDirError';
}

/** Input to `predict` that the task cannot read. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Training whose loss, gradients or weights stopped being finite numbers (too high a learning rate). */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
}
