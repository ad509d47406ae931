// The in-repo fixtures stay what they were copied as: fixtures/SHA256SUMS matches every data
// file (always), and where this machine has the shared originals (RECUR_SHARED_FIXTURES or
// ../shared/fixtures), every file there is in the repository byte for byte, new ones included.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FormatError } from '@recur/backend';
import { MANIFEST, dataFiles, manifestDrift, parseManifest, repoFixturesRoot, sharedDrift, sharedFixturesRoot, syncFromShared } from './fixtures/index.js';

const root = repoFixturesRoot();
const shared = sharedFixturesRoot();
const noDrift = { missing: [], changed: [], unlisted: [] };

describe('in-repo fixtures', () => {
  it('the manifest lists every data file with its sha256, and nothing else', () => {
    expect(manifestDrift(root)).toEqual(noDrift);
  });

  it('the manifest covers the three sets and their READMEs', () => {
    const listed = [...parseManifest(readFileSync(join(root, MANIFEST), 'utf8')).keys()];
    for (const set of ['torch', 'torch-wave2', 'metrics']) {
      expect(listed, set).toContain(`${set}/README.md`);
    }
    expect(listed.filter((path) => path.startsWith('torch/') && path.endsWith('.json')).length).toBeGreaterThanOrEqual(97);
    expect(listed.filter((path) => path.startsWith('metrics/')).length).toBeGreaterThanOrEqual(14);
  });

  it.skipIf(!shared)('holds every shared fixture file byte for byte', () => {
    expect(sharedDrift(shared!, root)).toEqual({ missing: [], changed: [] });
  });
});

describe('the drift checks can fail', () => {
  const temps: string[] = [];
  const temp = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-fixtures-'));
    temps.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the manifest and the metrics set: small, but a real manifest to tamper with. */
  function smallCopy(): string {
    const dir = temp();
    cpSync(join(root, 'metrics'), join(dir, 'metrics'), { recursive: true });
    const lines = readFileSync(join(root, MANIFEST), 'utf8')
      .split('\n')
      .filter((line) => line.includes('  metrics/'));
    writeFileSync(join(dir, MANIFEST), `${lines.join('\n')}\n`);
    return dir;
  }

  it('a changed byte, a removed file and an unlisted file are each reported', () => {
    const dir = smallCopy();
    expect(manifestDrift(dir)).toEqual(noDrift);
    const file = join(dir, 'metrics/metric_regression_1d.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"seed"', ' "seed"'));
    rmSync(join(dir, 'metrics/metric_error_rate_chars.json'));
    writeFileSync(join(dir, 'metrics/extra.json'), '{}');
    expect(manifestDrift(dir)).toEqual({
      missing: ['metrics/metric_error_rate_chars.json'],
      changed: ['metrics/metric_regression_1d.json'],
      unlisted: ['metrics/extra.json'],
    });
  });

  it('a new or changed shared file is reported, and syncing copies it and updates the manifest', () => {
    const repo = smallCopy();
    const origin = temp();
    cpSync(join(root, 'metrics'), join(origin, 'metrics'), { recursive: true });
    writeFileSync(join(origin, 'metrics/metric_new.json'), '{"fixture": "metric_new"}\n');
    writeFileSync(join(origin, 'metrics/README.md'), 'rewritten\n');
    expect(sharedDrift(origin, repo)).toEqual({ missing: ['metrics/metric_new.json'], changed: ['metrics/README.md'] });

    expect(syncFromShared(origin, repo)).toEqual(['metrics/README.md', 'metrics/metric_new.json']);
    expect(sharedDrift(origin, repo)).toEqual({ missing: [], changed: [] });
    expect(manifestDrift(repo)).toEqual(noDrift);
    expect(dataFiles(repo)).toContain('metrics/metric_new.json');
  });

  it('a malformed manifest line is a FormatError naming the line', () => {
    expect(() => parseManifest('abc  metrics/x.json\n')).toThrow(FormatError);
    expect(() => parseManifest('abc  metrics/x.json\n')).toThrow("SHA256SUMS line 1: expected '<64 hex digits>  <path>', got 'abc  metrics/x.json'");
  });
});
