// Loading an optional corpus package (a peer dependency users install only when they use that
// corpus) with a dynamic import(), turning "cannot find module" into an install instruction.

import { RecurError } from '@recur/tensor';

/** A corpus loader was called but its npm package is not installed. */
export class CorpusNotInstalledError extends RecurError {}

function isNotFound(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  // Bundlers and test runners (Vite) word it differently but name the package.
  return error.message.includes(packageName) && /cannot find|failed to (load|resolve)|not found/i.test(error.message);
}

/**
 * The default export of `packageName` (the stdlib corpora are CommonJS functions), loaded by
 * `load` — a literal `() => import('…')` at the call site so bundlers can see the dependency.
 */
export async function importCorpus<F>(packageName: string, entryPoint: string, load: () => Promise<unknown>): Promise<F> {
  let module: unknown;
  try {
    module = await load();
  } catch (error) {
    if (!isNotFound(error, packageName)) throw error;
    throw new CorpusNotInstalledError(
      `${entryPoint} reads its data from the optional package ${packageName}, which is not installed; run: npm i ${packageName}`,
    );
  }
  const exported = (module as { default?: unknown }).default ?? module;
  return exported as F;
}
