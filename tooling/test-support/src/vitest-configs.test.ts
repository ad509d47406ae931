// Every vitest project's setup files are found through its own dependencies, not through paths
// that assume where sibling folders sit (`../tensor/src/…`, `../../../packages/…`): each config,
// loaded as vitest loads it, names setup files that exist, by absolute path.

import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The vitest config files of the workspace's projects (the globs of the root vitest.config.ts). */
function projectConfigs(): string[] {
  const out: string[] = [];
  for (const parent of ['packages', 'apps', 'apps/samples', 'tooling']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      for (const name of ['vitest.config.ts', 'vitest.browser.config.ts']) {
        const file = join(root, parent, entry.name, name);
        if (existsSync(file)) out.push(file);
      }
    }
  }
  return out;
}

describe('vitest project configs', () => {
  const configs = projectConfigs();

  it('finds the projects (the CPU-backed packages among them)', () => {
    expect(configs.length).toBeGreaterThan(15);
    expect(configs.map((f) => f.slice(root.length))).toContain('packages/cells/vitest.config.ts');
  });

  it('name setup files that exist, by an absolute path or one inside the project', async () => {
    const problems: string[] = [];
    for (const file of configs) {
      const config = ((await import(pathToFileURL(file).href)) as { default: { test?: { setupFiles?: string | string[] } } }).default;
      const setupFiles = config.test?.setupFiles ?? [];
      for (const setup of Array.isArray(setupFiles) ? setupFiles : [setupFiles]) {
        const where = file.slice(root.length);
        if (setup.startsWith('..')) problems.push(`${where}: '${setup}' reaches outside the project by a relative path`);
        else if (!existsSync(isAbsolute(setup) ? setup : join(file, '..', setup))) problems.push(`${where}: '${setup}' does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });
});
