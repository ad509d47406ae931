// Parsing and checking flag values for commander, and reading `--config` files, so that a bad
// value fails before anything runs, with a message naming the flag or the file.

import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { ConfigError, parseConfigFile, type ConfigLayer } from '@recur/sample-core';
import { BACKENDS, type BackendName } from './backend.js';

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a positive integer.');
  return number;
}

export function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number)) throw new InvalidArgumentError('expected a non-negative integer.');
  return number;
}

export function positiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a positive number.');
  return number;
}

export function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) throw new InvalidArgumentError('expected a number of 0 or more.');
  return number;
}

/** A probability p with 0 < p ≤ 1 (top-p sampling). */
export function probability(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || number > 1)
    throw new InvalidArgumentError('expected a number above 0 and at most 1.');
  return number;
}

export function backendName(value: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of: ${BACKENDS.join(', ')}.`);
  return value as BackendName;
}

export interface TrainFlags {
  readonly backend: BackendName;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed?: number;
  readonly config?: string;
  readonly out?: string;
  readonly resume?: string | boolean;
  readonly quick?: boolean;
  readonly json?: boolean;
  readonly plots: boolean;
  /** --early-stopping: epochs without improvement of the validation metric before stopping. */
  readonly earlyStopping?: number;
}

/** The config keys that flags set directly. */
export function flagLayer(flags: TrainFlags): ConfigLayer {
  return { source: 'command-line flags', values: { epochs: flags.epochs, batchSize: flags.batchSize, lr: flags.lr, seed: flags.seed } };
}

export async function readConfigLayer(path: string): Promise<ConfigLayer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigError(
      `${path}: ${code === 'ENOENT' ? 'no such config file' : code === 'EISDIR' ? 'is a directory, not a config file' : `cannot read (${(error as Error).message})`}`,
    );
  }
  return { source: path, values: parseConfigFile(path, text) };
}
