// The PyTorch fixtures on the CPU backend (or RECUR_BACKEND): every file of a kind the runner
// handles must pass; files of kinds not handled yet must be reported as failures.

import { existsSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, fixturesDir, formatResult, kindFor, runFixtureFile } from './fixtures/index.js';

const directory = fixturesDir();
const present = existsSync(directory);
if (!present) {
  if (process.env.CI) throw new Error(`fixtures directory ${directory} is missing (set RECUR_FIXTURES_DIR)`);
  console.warn(`[testkit] skipping fixture tests: ${directory} not found (set RECUR_FIXTURES_DIR)`);
}
const files = present ? readdirSync(directory).filter((f) => f.endsWith('.json')).sort() : [];
const handled = files.filter((f) => kindFor(f));
const unhandled = files.filter((f) => !kindFor(f));

describe.skipIf(!present)('PyTorch fixtures', () => {
  beforeAll(async () => {
    await activateBackend();
  });

  it('the directory holds the act_* files this issue requires', () => {
    expect(files.filter((f) => f.startsWith('act_')).length).toBeGreaterThanOrEqual(5);
  });

  it.each(handled)('%s', async (file) => {
    const result = await runFixtureFile(directory, file);
    expect(result.ok, formatResult(result)).toBe(true);
  });

  it.runIf(unhandled.length > 0)('reports a file of an unhandled kind as failed, not skipped', async () => {
    const result = await runFixtureFile(directory, unhandled[0]!);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/no handler for fixture kind/);
  });
});
