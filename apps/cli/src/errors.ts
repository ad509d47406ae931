// Exit codes and the one-line error messages the CLI prints. Anything the user can fix (flags,
// config files, the output directory, checkpoints, input, a diverged run) exits 2; an
// interrupted run 130 (128 + SIGINT); a bug 1.

import { CommanderError } from 'commander';
import { CheckpointError, ConfigError, InputError, OutputDirError, TrainingDivergedError } from '@recur/sample-core';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A problem with how the CLI was called that no other error type describes. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** True for errors whose message alone tells the user what to fix. */
export function isUserError(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof CheckpointError ||
    error instanceof InputError ||
    error instanceof OutputDirError ||
    error instanceof TrainingDivergedError
  );
}

/** The exit code for a commander error: 0 after --help or --version, else a usage error. */
export function commanderExitCode(error: CommanderError): number {
  return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help'
    ? EXIT_OK
    : EXIT_USAGE;
}

/** One line, whatever the message held. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
