// The PyTorch fixtures (fixtures/torch in the repository, or RECUR_FIXTURES_DIR) on the CPU
// backend (or RECUR_BACKEND): every file of a kind the runner handles must pass; files of kinds
// not handled yet must be reported as failures.

import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, fixturesDirs, formatResult, kindFor, runFixtureFile } from './fixtures/index.js';

const directories = fixturesDirs();
for (const directory of directories) {
  // The fixtures are part of the repository; a missing folder is a broken checkout or a wrong override.
  if (!existsSync(directory)) throw new Error(`fixtures directory ${directory} is missing (RECUR_FIXTURES_DIR=${process.env.RECUR_FIXTURES_DIR ?? 'unset'})`);
}
const cases = directories.flatMap((directory) =>
  readdirSync(directory)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ directory, file, name: `${basename(directory)}/${file}` })),
);
const handled = cases.filter((c) => kindFor(c.file));
const unhandled = cases.filter((c) => !kindFor(c.file));

describe('PyTorch fixtures', () => {
  beforeAll(async () => {
    await activateBackend();
  });

  it('the directories hold the act_* files this issue requires', () => {
    expect(cases.filter((c) => c.file.startsWith('act_')).length).toBeGreaterThanOrEqual(5);
  });

  it.each(handled)('$name', async ({ directory, file }) => {
    const result = await runFixtureFile(directory, file);
    expect(result.ok, formatResult(result)).toBe(true);
  });

  it.runIf(unhandled.length > 0)('reports a file of an unhandled kind as failed, not skipped', async () => {
    const result = await runFixtureFile(unhandled[0]!.directory, unhandled[0]!.file);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/no handler for fixture kind/);
  });
});
