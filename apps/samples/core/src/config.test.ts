import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { parseConfigFile, resolveConfig } from './config.js';
import { lineTask } from './test-task.js';

describe('resolveConfig', () => {
  it('applies layers in order over the defaults', () => {
    const config = resolveConfig(lineTask, [
      { source: '--quick', values: lineTask.quickConfig },
      { source: 'file.json', values: { epochs: 3, lr: 0.1 } },
      { source: 'flags', values: { epochs: 5, batchSize: undefined } },
    ]);
    expect(config).toEqual({ epochs: 5, batchSize: 8, lr: 0.1, seed: 0, points: 64 });
  });

  it('names the source and key of an unknown key, a wrong type, a bad integer', () => {
    expect(() => resolveConfig(lineTask, [{ source: 'a.json', values: { hidden: 3 } }])).toThrow(
      /^a\.json: unknown key "hidden" for task line \(known: epochs/,
    );
    expect(() => resolveConfig(lineTask, [{ source: 'a.json', values: { lr: '0.1' } }])).toThrow(
      'a.json: "lr" must be a number, got "0.1"',
    );
    expect(() => resolveConfig(lineTask, [{ source: 'a.json', values: { epochs: 1.5 } }])).toThrow(
      'a.json: "epochs" must be an integer, got 1.5',
    );
    expect(() => resolveConfig(lineTask, [{ source: 'a.json', values: { epochs: 0 } }])).toThrow(ConfigError);
    expect(() => resolveConfig(lineTask, [{ source: 'a.json', values: { seed: -1 } }])).toThrow(/"seed" must be a non-negative integer/);
    expect(() => resolveConfig(lineTask, [{ source: 'a.json', values: { points: 2 } }])).toThrow('a.json: "points" must be at least 8');
  });
});

describe('parseConfigFile', () => {
  it('accepts a JSON object and rejects anything else with the path', () => {
    expect(parseConfigFile('c.json', '{"epochs": 2}')).toEqual({ epochs: 2 });
    expect(() => parseConfigFile('c.json', '{"epochs": ')).toThrow(/^c\.json: not valid JSON/);
    expect(() => parseConfigFile('c.json', '[1]')).toThrow('c.json: expected a JSON object of config keys, got an array');
  });
});
