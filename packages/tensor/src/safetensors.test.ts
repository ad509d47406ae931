import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, ValueError } from '@recur/backend';
import { tensor } from './creation.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { STALE_TEMPORARY_MS, loadSafetensorsFile, readFileBytes, saveSafetensorsFile, writeFileAtomic } from './node.js';

/** A safetensors file from a header object and a data buffer, with a correct length field. */
function build(header: unknown, data = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips float32, int32 and bool tensors with metadata', async () => {
    const tensors = {
      'layer.weight': tensor([
        [1.5, -2.25],
        [3e-8, 1e30],
      ]),
      ids: tensor([7, -3, 2147483647], { dtype: 'int32' }),
      mask: tensor([true, false, true]),
      empty: tensor([], { shape: [0, 3] }),
    };
    const bytes = await serializeSafetensors(tensors, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const loaded = parseSafetensors(bytes);
    expect(loaded.metadata).toEqual({ format: 'pt' });
    expect(Object.keys(loaded.tensors).sort()).toEqual(['empty', 'ids', 'layer.weight', 'mask']);
    expect(loaded.tensors['layer.weight']!.toArraySync()).toEqual([
      [1.5, -2.25],
      [Math.fround(3e-8), Math.fround(1e30)],
    ]);
    expect(loaded.tensors.ids!.dtype).toBe('int32');
    expect(loaded.tensors.ids!.toArraySync()).toEqual([7, -3, 2147483647]);
    expect(loaded.tensors.mask!.toArraySync()).toEqual([true, false, true]);
    expect(loaded.tensors.empty!.shape).toEqual([0, 3]);
  });

  it('reads a Node Buffer that is a view into a larger pool (Buffer.slice is not a copy)', async () => {
    const bytes = await serializeSafetensors({ w: tensor([1.5, -2, 3]), i: tensor([7, 8], { dtype: 'int32' }) });
    const pooled = Buffer.concat([Buffer.alloc(5, 9), Buffer.from(bytes), Buffer.alloc(64, 1)]).subarray(5, 5 + bytes.length);
    const loaded = parseSafetensors(pooled);
    expect(loaded.tensors.w!.toArraySync()).toEqual([1.5, -2, 3]);
    expect(loaded.tensors.i!.toArraySync()).toEqual([7, 8]);
    for (const t of Object.values(loaded.tensors)) t.dispose();
  });

  it('lays the header out as the reference writer does: metadata first, names sorted, same buffer order', async () => {
    const bytes = await serializeSafetensors({ b: tensor([1]), a: tensor([2, 3]) }, { format: 'pt' });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + length)).trimEnd();
    expect(text).toBe(
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}',
    );
  });

  it('decodes F64, F16, BF16 and I64 into Recur dtypes', () => {
    const data = new Uint8Array(8 + 2 + 2 + 8);
    const view = new DataView(data.buffer);
    view.setFloat64(0, 0.1, true);
    view.setUint16(8, 0x3c00, true); // f16 1.0
    view.setUint16(10, 0xc000, true); // bf16 -2.0
    view.setBigInt64(12, -5n, true);
    const loaded = parseSafetensors(
      build(
        {
          d: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
          h: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
          b: { dtype: 'BF16', shape: [1], data_offsets: [10, 12] },
          l: { dtype: 'I64', shape: [1], data_offsets: [12, 20] },
        },
        data,
      ),
    );
    expect(loaded.tensors.d!.itemSync()).toBe(Math.fround(0.1));
    expect(loaded.tensors.h!.itemSync()).toBe(1);
    expect(loaded.tensors.b!.itemSync()).toBe(-2);
    expect(loaded.tensors.l!.dtype).toBe('int32');
    expect(loaded.tensors.l!.itemSync()).toBe(-5);
  });

  const entry = (offsets: [number, number], shape = [2], dtype = 'F32') => ({ dtype, shape, data_offsets: offsets });
  const bad: [string, Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', new Uint8Array(5), /shorter than the 8-byte header length/],
    ['a header length past the end of the file', build({}, new Uint8Array(0), 1000n), /header length 1000 exceeds/],
    ['a header length of 2^63', build({}, new Uint8Array(0), 1n << 63n), /exceeds/],
    [
      'a header that is not JSON',
      (() => {
        const b = build({ a: 1 });
        b[8] = 0x41;
        return b;
      })(),
      /not valid UTF-8 JSON/,
    ],
    ['an unknown dtype', build({ a: entry([0, 8], [2], 'F13') }, new Uint8Array(8)), /unknown dtype "F13"/],
    [
      'a shape that does not match the byte span',
      build({ a: entry([0, 8], [3]) }, new Uint8Array(8)),
      /needs 12 bytes but data_offsets \[0, 8\] span 8/,
    ],
    ['offsets past the buffer', build({ a: entry([0, 8]) }, new Uint8Array(4)), /run past the data buffer/],
    ['overlapping tensors', build({ a: entry([0, 8]), b: entry([4, 12]) }, new Uint8Array(12)), /overlap/],
    ['a gap between tensors', build({ a: entry([0, 8]), b: entry([12, 20]) }, new Uint8Array(20)), /gap of 4 bytes/],
    ['trailing bytes', build({ a: entry([0, 8]) }, new Uint8Array(10)), /2 trailing bytes/],
    ['a negative shape', build({ a: entry([0, 0], [-1]) }), /invalid shape/],
    ['non-string metadata', build({ __metadata__: { n: 1 } }), /__metadata__.n must be a string/],
    ['a header that is an array', build([1, 2]), /must be a JSON object/],
  ];
  it.each(bad)('rejects %s with a FormatError', (_name, bytes, message) => {
    expect(() => parseSafetensors(bytes)).toThrow(FormatError);
    expect(() => parseSafetensors(bytes)).toThrow(message);
  });
});

describe('safetensors from hostile headers', () => {
  it('a shape nested 5,000 levels deep (a 10 KB file) is a FormatError, not a stack overflow', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const fromText = (text: string): Uint8Array => {
      const json = new TextEncoder().encode(text);
      const out = new Uint8Array(8 + json.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    const bytes = fromText(`{"a":{"dtype":"F32","shape":${deep},"data_offsets":[0,0]}}`);
    expect(bytes.length).toBeLessThan(11_000);
    expect(() => parseSafetensors(bytes)).toThrow(FormatError);
    expect(() => parseSafetensors(bytes)).toThrow(/tensor 'a' has an invalid shape an array of 1 items nested too deep/);
    expect(() => parseSafetensors(fromText(`{"a":{"dtype":"F32","shape":[0],"data_offsets":${deep}}}`))).toThrow(FormatError);
    expect(() => parseSafetensors(fromText(`{"a":{"dtype":${deep},"shape":[0],"data_offsets":[0,0]}}`))).toThrow(FormatError);
    expect(() => parseSafetensors(fromText(`{"a":${deep}}`))).toThrow(FormatError);
  });

  it('a tensor named __proto__ loads as an own entry; a dtype named like an Object method is refused', () => {
    const text = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const json = new TextEncoder().encode(text);
    const bytes = new Uint8Array(8 + json.length + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    new DataView(bytes.buffer).setFloat32(8 + json.length, 2.5, true);
    const loaded = parseSafetensors(bytes);
    expect(Object.keys(loaded.tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(loaded.tensors)).toBe(Object.prototype);
    expect(loaded.tensors['__proto__']!.toArraySync()).toEqual([2.5]);
    expect(() => parseSafetensors(build({ a: { dtype: 'toString', shape: [0], data_offsets: [0, 0] } }))).toThrow(
      /unknown dtype "toString"/,
    );
  });
});

describe('safetensors files (Node)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recur-st-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves and loads a file, leaving no temporary files behind', async () => {
    const path = join(dir, 'w.safetensors');
    await saveSafetensorsFile(path, { w: tensor([1, 2, 3]) });
    const loaded = await loadSafetensorsFile(path);
    expect(loaded.tensors.w!.toArraySync()).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['w.safetensors']);
  });

  it('a failed write leaves the previous file intact', async () => {
    const path = join(dir, 'keep.bin');
    await writeFile(path, 'previous');
    await expect(writeFileAtomic(path, { not: 'bytes' } as never)).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect((await readdir(dir)).filter((f) => f.includes('keep'))).toEqual(['keep.bin']);
  });

  it('names the file in a loading error', async () => {
    const path = join(dir, 'broken.safetensors');
    await writeFile(path, new Uint8Array(3));
    await expect(loadSafetensorsFile(path)).rejects.toThrow(`${path}: file of 3 bytes`);
  });
  it('a missing file or a directory is a FormatError naming the path', async () => {
    const missing = join(dir, 'nowhere', 'w.safetensors');
    await expect(loadSafetensorsFile(missing)).rejects.toThrow(FormatError);
    await expect(loadSafetensorsFile(missing)).rejects.toThrow(`${missing}: cannot read the file: no such file or directory (ENOENT)`);
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    await expect(readFileBytes(folder)).rejects.toThrow(`${folder}: cannot read the file: it is a directory, expected a file (EISDIR)`);
  });

  it("a save removes the temporary files of killed saves of the same target, not a live writer's", async () => {
    const path = join(dir, 'ckpt.safetensors');
    // A pid that is surely gone: a child that has exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const dead = join(dir, `.ckpt.safetensors.${deadPid}.a1b2c3d4e5f6.tmp`);
    const live = join(dir, `.ckpt.safetensors.${process.pid}.0123456789ab.tmp`);
    const liveButOld = join(dir, `.ckpt.safetensors.${process.pid}.fedcba987654.tmp`);
    const otherTarget = join(dir, `.other.safetensors.${deadPid}.a1b2c3d4e5f6.tmp`);
    for (const file of [dead, live, liveButOld, otherTarget]) await writeFile(file, 'partial');
    const old = (Date.now() - STALE_TEMPORARY_MS - 60_000) / 1000;
    await utimes(liveButOld, old, old);
    await saveSafetensorsFile(path, { w: tensor([1]) });
    const left = (await readdir(dir)).filter((f) => f.includes('.tmp')).sort();
    expect(left).toEqual([`.ckpt.safetensors.${process.pid}.0123456789ab.tmp`, `.other.safetensors.${deadPid}.a1b2c3d4e5f6.tmp`]);
    expect((await loadSafetensorsFile(path)).tensors.w!.toArraySync()).toEqual([1]);
    for (const file of [live, otherTarget]) await rm(file);
  });
});

describe('safetensors arguments', () => {
  it('bytes that are not a Uint8Array, and a path that is not a string, are ValueErrors', async () => {
    expect(() => parseSafetensors(null as never)).toThrow(ValueError);
    expect(() => parseSafetensors('{}' as never)).toThrow(/expected the file's bytes as a Uint8Array; got string/);
    expect(() => parseSafetensors(new ArrayBuffer(8) as never)).toThrow(/got ArrayBuffer/);
    await expect(readFileBytes(42 as never)).rejects.toThrow(ValueError);
  });
});
