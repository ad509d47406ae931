import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear } from '@recur/cells';
import { FormatError, Generator, ValueError, parseSafetensors, rand, serializeSafetensors, tensor } from '@recur/tensor';
import { Adam } from './adam.js';
import { StepLR } from './decay-schedulers.js';
import { CHECKPOINT_FORMAT, decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { loadCheckpoint } from './node.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recur-ckpt-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A model, Adam with state after one step, StepLR and a generator: the live objects a checkpoint loads into. */
function setup() {
  const model = new Linear({ inFeatures: 3, outFeatures: 2 });
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
  const generator = new Generator(7);
  model
    .forward(tensor([[1, 2, 3]]))
    .sum()
    .backward();
  optimizer.step();
  optimizer.zeroGrad();
  scheduler.step();
  return { model, optimizer, scheduler, generator };
}

type Parts = ReturnType<typeof setup>;

/** Everything a load could change, as plain data. */
function snapshot(parts: Parts): unknown {
  const optimizer = parts.optimizer.stateDict();
  return {
    weights: Object.entries(parts.model.stateDict()).map(([key, t]) => [key, Array.from(t.dataSync())]),
    state: Object.entries(optimizer.state).map(([key, entry]) => [
      key,
      Object.entries(entry).map(([name, value]) => [name, typeof value === 'number' ? value : Array.from(value.dataSync())]),
    ]),
    groups: optimizer.param_groups,
    scheduler: parts.scheduler.stateDict(),
    generator: parts.generator.getState(),
  };
}

/** Parsed checkpoint JSON, edited freely by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests reach into arbitrary JSON
type StateJson = Record<string, any>;

/** A checkpoint of `parts` whose state JSON text is rewritten by `edit`. */
async function edited(parts: Parts, edit: (state: StateJson) => unknown): Promise<Uint8Array> {
  const bytes = await encodeCheckpoint(parts);
  const loaded = parseSafetensors(bytes);
  const state = JSON.parse(loaded.metadata[CHECKPOINT_FORMAT]!) as StateJson;
  const result = edit(state);
  const text = typeof result === 'string' ? result : JSON.stringify(result === undefined ? state : result);
  return serializeSafetensors(loaded.tensors, { ...loaded.metadata, [CHECKPOINT_FORMAT]: text });
}

/** Load `bytes` into a second set of objects: it must throw a FormatError matching `message` and change nothing. */
function refuses(bytes: Uint8Array, message: RegExp): void {
  const target = setup();
  const before = snapshot(target);
  let thrown: unknown;
  try {
    decodeCheckpoint(bytes, target);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(FormatError);
  expect((thrown as Error).message).toMatch(message);
  expect(snapshot(target)).toEqual(before);
}

describe('decodeCheckpoint checks the whole state before loading', () => {
  it('null metadata JSON is a FormatError', async () => {
    refuses(await edited(setup(), () => 'null'), /checkpoint metadata must be a JSON object; got null/);
  });

  it('optimizer.state = null is a FormatError', async () => {
    refuses(
      await edited(setup(), (s) => void (s.optimizer.state = null)),
      /Adam\.loadStateDict: expected \{ state: \{\.\.\.\}, param_groups: \[\.\.\.\] \}/,
    );
  });

  it('a missing generator, or one without its key, is a FormatError', async () => {
    refuses(await edited(setup(), (s) => void delete s.generator), /the checkpoint has no generator state/);
    refuses(
      await edited(setup(), (s) => void delete s.generator.key),
      /generator: Generator\.setState: key must be two unsigned 32-bit integers/,
    );
    refuses(
      await edited(setup(), (s) => void (s.generator = null)),
      /generator: Generator\.setState: expected \{ key: \[lo, hi\], counter \}; got null/,
    );
  });

  it('a generator without its counter is refused (it used to load and repeat the same numbers forever)', async () => {
    refuses(await edited(setup(), (s) => void delete s.generator.counter), /counter must be a non-negative safe integer; got undefined/);
  });

  it('exp_avg stored as a number is refused (it used to load and break the next step)', async () => {
    refuses(
      await edited(setup(), (s) => void (s.optimizer.state['0'].exp_avg = 0.5)),
      /state\[0\]\.exp_avg must be a Tensor of shape \[2,3\]; got 0\.5/,
    );
  });

  it('a fractional step is refused (found by the checkpoint fuzz: it loaded and broke the next step)', async () => {
    refuses(await edited(setup(), (s) => void (s.optimizer.state['0'].step = 0.9)), /state\[0\]\.step must be an integer count ≥ 0/);
  });

  it('a hyper-parameter that is an object with its own toString, or an array nested deep, is a FormatError (found by the fuzz)', async () => {
    refuses(
      await edited(setup(), (s) => void (s.optimizer.param_groups[0].eps = { toString: 1 })),
      /Adam: invalid eps \(parameter group 0\): expected a finite number ≥ 0, got an object \{toString\}/,
    );
    refuses(
      await edited(setup(), (s) => void (s.optimizer.param_groups[0].betas = [{ toString: 1 }])),
      /Adam: invalid betas \(parameter group 0\): expected a pair \[beta1, beta2\], got \[…\]/,
    );
    refuses(
      await edited(setup(), (s) => JSON.stringify(s).replace('"eps":', `"eps":${'['.repeat(20)}1${']'.repeat(20)},"x":`)),
      /Adam: invalid eps/,
    );
  });

  it('scheduler gamma -5, last_epoch "abc" and base_lrs [] are refused', async () => {
    refuses(
      await edited(setup(), (s) => void (s.scheduler.gamma = -5)),
      /StepLR: invalid gamma \(state dict\): expected a finite number ≥ 0, got -5/,
    );
    refuses(
      await edited(setup(), (s) => void (s.scheduler.last_epoch = 'abc')),
      /StepLR\.loadStateDict: invalid last_epoch: expected a number, got "abc"/,
    );
    refuses(
      await edited(setup(), (s) => void (s.scheduler.base_lrs = [])),
      /invalid base_lrs: expected 1 values \(one per parameter group\), got 0/,
    );
  });

  it('a bad scheduler leaves the model, optimizer and generator untouched (nothing half-restored)', async () => {
    const source = setup();
    source.model
      .forward(tensor([[4, 5, 6]]))
      .sum()
      .backward();
    source.optimizer.step();
    rand([5], { generator: source.generator });
    refuses(await edited(source, (s) => void (s.scheduler.step_size = 0)), /invalid step_size/);
  });

  it('a state nested 5,000 levels deep is a FormatError, not a stack overflow', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    refuses(
      await edited(setup(), (s) =>
        JSON.stringify(s)
          .replace('"extra":null', `"extra":null,"optimizerx":0`)
          .replace(/"scheduler":\{/, `"scheduler":{"deep":${deep},`),
      ),
      /scheduler\.deep\.0(\.0)+ is nested deeper than 32 levels/,
    );
  });

  it('an unknown tensor reference and a bad special number are FormatErrors', async () => {
    refuses(
      await edited(setup(), (s) => void (s.optimizer.state['0'].exp_avg = { $tensor: 'optimizer/nowhere' })),
      /tensor 'optimizer\/nowhere' is referenced by the state but missing/,
    );
    refuses(
      await edited(setup(), (s) => void (s.scheduler.gamma = { $number: 'soon' })),
      /must be \{ \$number: "NaN" \| "Infinity" \| "-Infinity" \}/,
    );
  });

  it('a good checkpoint still loads everything', async () => {
    const source = setup();
    const target = setup();
    target.model
      .forward(tensor([[9, 9, 9]]))
      .sum()
      .backward();
    target.optimizer.step();
    expect(decodeCheckpoint(await encodeCheckpoint({ ...source, extra: { epoch: 3 } }), target)).toEqual({ epoch: 3 });
    expect(snapshot(target)).toEqual(snapshot(source));
  });
});

describe('direct loadStateDict and setState checks', () => {
  it('Adam.loadStateDict refuses a number where a moment tensor belongs, with a typed error', () => {
    const { optimizer } = setup();
    const dict = optimizer.stateDict();
    const bad = { ...dict, state: { 0: { ...dict.state[0]!, exp_avg: 0.5 } } };
    expect(() => optimizer.loadStateDict(bad)).toThrow(FormatError);
    expect(() => optimizer.loadStateDict(null as never)).toThrow(FormatError);
    expect(() => optimizer.loadStateDict({ state: {}, param_groups: [null] } as never)).toThrow(FormatError);
  });

  it('StepLR.loadStateDict refuses wrong types and ranges with ValueError and keeps its state', () => {
    const { scheduler } = setup();
    const before = scheduler.stateDict();
    expect(() => scheduler.loadStateDict({ gamma: -5 })).toThrow(ValueError);
    expect(() => scheduler.loadStateDict({ last_epoch: 'abc' })).toThrow(ValueError);
    expect(() => scheduler.loadStateDict({ base_lrs: [] })).toThrow(ValueError);
    expect(() => scheduler.loadStateDict(null as never)).toThrow(FormatError);
    expect(scheduler.stateDict()).toEqual(before);
  });
});

describe('checkpoint files', () => {
  it('a missing file or a directory is a FormatError naming the path', async () => {
    const missing = join(dir, 'missing.safetensors');
    await expect(loadCheckpoint(missing, {})).rejects.toThrow(FormatError);
    await expect(loadCheckpoint(missing, {})).rejects.toThrow(`${missing}: cannot read the file: no such file or directory (ENOENT)`);
    const folder = join(dir, 'folder');
    await mkdir(folder);
    await expect(loadCheckpoint(folder, {})).rejects.toThrow(
      `${folder}: cannot read the file: it is a directory, expected a file (EISDIR)`,
    );
  });
});

describe('decodeCheckpoint arguments', () => {
  it('bytes that are not a Uint8Array and missing parts are ValueErrors', async () => {
    const bytes = await encodeCheckpoint(setup());
    expect(() => decodeCheckpoint(null as never, {})).toThrow(ValueError);
    expect(() => decodeCheckpoint(bytes, null as never)).toThrow(/decodeCheckpoint: expected the parts to load into/);
  });
});
