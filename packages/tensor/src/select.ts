// The fallback chain: `await selectBackend(['webgpu', 'cpu'])` tries each candidate in order,
// activates the first that starts, and says why each one before it was skipped. The umbrella's
// createDefault(), the CLI, the testkit and the docs' demos all choose their backend with it.

import { BackendError, ValueError, checkOptions, describeValue, type BackendPlugin, type BackendV1 } from '@recur/backend';
import { registerBackend, useBackend } from './registry.js';

/** A registered backend's name, or a plugin to register first (its factory may be async and may fail). */
export type BackendCandidate = string | BackendPlugin;

export interface SkippedBackend {
  readonly name: string;
  /** The first line of the error its factory (or the registry) raised. */
  readonly reason: string;
}

export interface SelectedBackend {
  readonly backend: BackendV1;
  /** The candidates tried before it, in order, with why each failed (empty when the first worked). */
  readonly skipped: readonly SkippedBackend[];
}

export interface SelectOptions {
  /** Hears one line per skipped candidate as it is skipped (default: silent). */
  readonly explain?: ((message: string) => void) | null;
}

/**
 * Activate the first candidate that starts. A name must be registered already; every plugin is
 * registered first (created only when its turn comes), so switching later is `useBackend(name)`. Throws a BackendError listing every candidate's reason when none starts.
 */
export async function selectBackend(candidates: readonly BackendCandidate[], options: SelectOptions = {}): Promise<SelectedBackend> {
  checkOptions('selectBackend', options, ['explain']);
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new ValueError(`selectBackend: expected a non-empty array of backend names or plugins; got ${describeValue(candidates)}`);
  }
  const names = candidates.map((c, i) => candidateName(c, i));
  // Every plugin is registered (nothing is created yet), so a later useBackend(name) can switch.
  for (const candidate of candidates) if (typeof candidate !== 'string') registerBackend(candidate);
  const skipped: SkippedBackend[] = [];
  for (const [i, name] of names.entries()) {
    try {
      return { backend: await useBackend(name), skipped };
    } catch (error) {
      const reason = firstLine(error);
      skipped.push({ name, reason });
      const next = names[i + 1];
      options.explain?.(`recur: backend '${name}' skipped (${reason})${next ? `; trying '${next}'` : ''}`);
    }
  }
  const why = skipped.map((s) => `'${s.name}': ${s.reason}`).join('; ');
  throw new BackendError(`selectBackend: no candidate backend started (${why})`);
}

function candidateName(candidate: BackendCandidate, index: number): string {
  if (typeof candidate === 'string' && candidate !== '') return candidate;
  const plugin = candidate as Partial<BackendPlugin> | null;
  if (
    typeof plugin === 'object' &&
    plugin !== null &&
    typeof plugin.name === 'string' &&
    plugin.name &&
    typeof plugin.create === 'function'
  ) {
    return plugin.name;
  }
  throw new ValueError(
    `selectBackend: candidate ${index} must be a backend name or a plugin { name, create() }; got ${describeValue(candidate)}`,
  );
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
