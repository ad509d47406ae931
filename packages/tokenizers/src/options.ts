// Options objects from plain JavaScript: an unknown (misspelt) key is a TokenizerError naming
// it and the known ones, never ignored. The same rule as @recur/backend's checkOptions, kept
// here because @recur/tokenizers has no dependencies (plain arrays, usable without tensors).

import { TokenizerError } from './errors.js';

/** `options` (undefined stands for `{}`) after checking it is an object with only `allowed` keys. */
export function checkOptions<T extends object>(owner: string, options: T | undefined, allowed: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TokenizerError(`${owner}: expected an options object { ${allowed.map((k) => `${k}?`).join(', ')} }; got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const near = allowed.find(
      (k) => k.toLowerCase() === key.toLowerCase() || k.toLowerCase().replace(/_/g, '') === key.toLowerCase().replace(/_/g, ''),
    );
    const hint = near ? ` (did you mean '${near}'?)` : '';
    throw new TokenizerError(`${owner}: unknown option '${key}'${hint}; known options: ${allowed.join(', ')}`);
  }
  return options;
}
