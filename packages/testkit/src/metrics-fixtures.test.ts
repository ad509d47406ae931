// The metric reference fixtures (fixtures/metrics in the repository, scikit-learn 1.2.1 and
// NLTK 3.8): every metric_*.json file must pass through the metric kind, one-shot and streamed.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFixturesDir, formatResult, kindFor, parseFixture, runFixtureFile } from './fixtures/index.js';
import { metricKind } from './fixtures/kinds/metric.js';

const directory = defaultFixturesDir('metrics');
// The fixtures are part of the repository; a missing folder is a broken checkout.
if (!existsSync(directory)) throw new Error(`metric fixtures directory ${directory} is missing`);
const files = readdirSync(directory).filter((f) => f.endsWith('.json')).sort();

describe('metric fixtures', () => {
  it('the directory holds the 13 reference files, all handled by the metric kind', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
    for (const file of files) expect(kindFor(file), file).toBe(metricKind);
  });

  it.each(files)('%s', async (file) => {
    const result = await runFixtureFile(directory, file);
    expect(result.ok, formatResult(result)).toBe(true);
    // Guard against a file that passes by checking nothing.
    expect(result.checks.length).toBeGreaterThan(5);
  });

  it('a corrupted expectation fails (the kind really compares)', async () => {
    const file = 'metric_classification_binary.json';
    const raw = JSON.parse(readFileSync(join(directory, file), 'utf8'));
    raw.outputs.accuracy.data[0] += 1e-6;
    raw.outputs.confusion_matrix.data[0] += 1;
    const checks = await metricKind.run(parseFixture(file, JSON.stringify(raw)), { directory });
    const failed = checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(expect.arrayContaining(['accuracy', 'confusion_matrix', 'streamed.accuracy', 'streamed.confusion_matrix']));
  });
});
