// A package's bench/*.ts scripts are typechecked and linted with its sources (its tsconfig.json
// includes bench; its lint script names it) and stay out of what it publishes (`files`).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../../../packages', import.meta.url));

interface Manifest {
  readonly scripts?: Record<string, string>;
  readonly files?: readonly string[];
}

const withBench = readdirSync(packages).filter((name) => existsSync(join(packages, name, 'bench')));

describe('bench folders', () => {
  it('exist in the CPU and WebGPU backends', () => {
    expect(withBench).toEqual(expect.arrayContaining(['backend-cpu', 'backend-webgpu']));
  });

  it.each(withBench)('%s: typechecked, linted, not published', (name) => {
    const tsconfig = JSON.parse(readFileSync(join(packages, name, 'tsconfig.json'), 'utf8')) as { include?: string[] };
    const manifest = JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8')) as Manifest;
    expect(tsconfig.include).toContain('bench');
    expect(manifest.scripts?.typecheck).toMatch(/tsc -p tsconfig\.json/);
    expect(manifest.scripts?.lint?.split(/\s+/)).toContain('bench');
    expect(manifest.files).toContain('dist');
    expect(manifest.files?.some((entry) => entry.startsWith('bench'))).toBe(false);
  });
});
