// Errors of the module system: a state dict that does not fit the module lists every missing
// and unexpected key and every shape mismatch at once.

import { RecurError } from '@recur/tensor';

export class StateDictError extends RecurError {
  constructor(
    readonly missingKeys: readonly string[],
    readonly unexpectedKeys: readonly string[],
    readonly shapeMismatches: readonly string[],
  ) {
    const parts: string[] = [];
    if (missingKeys.length) parts.push(`missing keys: ${missingKeys.join(', ')}`);
    if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (shapeMismatches.length) parts.push(`shape mismatches: ${shapeMismatches.join('; ')}`);
    super(`loadStateDict: ${parts.join(' | ')}`);
  }
}
