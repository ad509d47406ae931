// Merging and checking task configs: defaults ← quick overrides ← config file ← flags. Every key
// must be one the task knows and keep its default's type, so a typo in a config file fails
// loudly (naming the file and key) instead of being ignored.

import { ConfigError } from './errors.js';
import type { ConfigValue, Task, TaskConfig } from './task.js';

export interface ConfigLayer {
  /** Where the values came from, for messages: 'config.json', 'flags', 'checkpoint'. */
  readonly source: string;
  readonly values: Readonly<Record<string, unknown>>;
}

const INTEGER_KEYS = new Set(['epochs', 'batchSize', 'seed']);

/** Check one value against the default of its key; returns it typed. */
function checkValue(task: Task, source: string, key: string, value: unknown): ConfigValue {
  const defaults = task.defaultConfig as Readonly<Record<string, ConfigValue>>;
  if (!Object.hasOwn(defaults, key)) {
    const known = Object.keys(defaults).join(', ');
    throw new ConfigError(`${source}: unknown key "${key}" for task ${task.name} (known: ${known})`);
  }
  const expected = typeof defaults[key];
  if (typeof value !== expected) {
    throw new ConfigError(`${source}: "${key}" must be a ${expected}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(`${source}: "${key}" must be a finite number, got ${value}`);
    if (INTEGER_KEYS.has(key) && !Number.isInteger(value)) {
      throw new ConfigError(`${source}: "${key}" must be an integer, got ${value}`);
    }
  }
  return value as ConfigValue;
}

/** The rules every task shares for the BaseConfig keys. */
function checkBase(source: string, config: TaskConfig): void {
  if (config.epochs < 1) throw new ConfigError(`${source}: "epochs" must be at least 1, got ${config.epochs}`);
  if (config.batchSize < 1) throw new ConfigError(`${source}: "batchSize" must be at least 1, got ${config.batchSize}`);
  if (config.seed < 0) throw new ConfigError(`${source}: "seed" must be a non-negative integer, got ${config.seed}`);
  if (!(config.lr > 0)) throw new ConfigError(`${source}: "lr" must be positive, got ${config.lr}`);
}

/**
 * The task's defaults with each layer applied in order (later wins), checked key by key and
 * then as a whole (`task.checkConfig`). Throws ConfigError naming the layer's source.
 */
export function resolveConfig<C extends TaskConfig>(task: Task<C>, layers: readonly ConfigLayer[]): C {
  const merged: Record<string, ConfigValue> = { ...(task.defaultConfig as Record<string, ConfigValue>) };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      if (value === undefined) continue;
      merged[key] = checkValue(task as Task, layer.source, key, value);
    }
  }
  const config = merged as C;
  const source = layers.length > 0 ? layers.map((l) => l.source).join(' + ') : 'defaults';
  checkBase(source, config);
  const problem = task.checkConfig?.(config);
  if (problem) throw new ConfigError(`${source}: ${problem}`);
  return config;
}

/** Read a config file's text: a JSON object of config keys. */
export function parseConfigFile(path: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(
      `${path}: expected a JSON object of config keys, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  }
  return value as Record<string, unknown>;
}
