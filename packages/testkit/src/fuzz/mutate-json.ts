// Structure-aware mutations of JSON documents (tokenizer.json, vocab files, safetensors headers,
// checkpoint state): wrong types, missing and extra keys (`__proto__`, `constructor`, …),
// duplicated or swapped values, hostile numbers and strings, and nesting thousands deep.

import { nestingText } from './mutate-bytes.js';
import type { FuzzRandom } from './random.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

/** Values of every JSON type that break naive readers. */
const hostileValues = (rng: FuzzRandom): Json => {
  const values: (() => Json)[] = [
    () => null,
    () => true,
    () => false,
    () => 0,
    () => -1,
    () => -0,
    () => 0.5,
    () => 1e308,
    () => -1e308,
    () => 2 ** 53 + 2,
    () => 4294967296,
    () => -2147483649,
    () => '',
    () => 'abc',
    () => '__proto__',
    () => 'NaN',
    () => [],
    () => ({}),
    () => [null],
    () => [1, 2, 3],
    () => [-1],
    () => [0, -1],
    () => ({ $tensor: 'x' }),
    () => ({ $number: 'NaN' }),
    () => 'x'.repeat(rng.pick([100, 10000])),
    () => '\ud800',
    () => ({ key: [0, 0] }),
  ];
  return rng.pick(values)();
};

const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '$tensor', '$number', 'length', '0'];

const isContainer = (value: unknown): value is Container => value !== null && typeof value === 'object';

/** `target[key] = value` as an own property, even for `__proto__`. */
function put(target: Container, key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Slot {
  readonly parent: Container;
  readonly key: string | number;
}

/** Up to `limit` slots of the tree, sampled uniformly (reservoir), found without recursion. */
function slots(root: Json, rng: FuzzRandom, limit = 256): Slot[] {
  const chosen: Slot[] = [];
  let seen = 0;
  const stack: Container[] = isContainer(root) ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (const key of keys) {
      seen++;
      const slot = { parent: node, key };
      if (chosen.length < limit) chosen.push(slot);
      else if (rng.below(seen) < limit) chosen[rng.below(limit)] = slot;
      const child = (node as Record<string | number, Json>)[key];
      if (isContainer(child)) stack.push(child);
    }
  }
  return chosen;
}

function get(slot: Slot): Json {
  return (slot.parent as Record<string | number, Json>)[slot.key]!;
}

const copy = (value: Json): Json => (isContainer(value) ? (JSON.parse(JSON.stringify(value)) as Json) : value);

type JsonMutator = (slot: Slot, all: Slot[], rng: FuzzRandom, nest: (text: string) => string) => void;

const JSON_MUTATORS: Readonly<Record<string, JsonMutator>> = {
  wrongType: (slot, _all, rng) => put(slot.parent, slot.key, hostileValues(rng)),
  remove: (slot) => {
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete slot.parent[slot.key as string];
  },
  addKey: (slot, _all, rng) => {
    const target = isContainer(get(slot)) ? (get(slot) as Container) : slot.parent;
    if (Array.isArray(target)) target.splice(rng.below(target.length + 1), 0, hostileValues(rng));
    else put(target, rng.chance(0.7) ? rng.pick(ODD_KEYS) : `${Object.keys(target)[0] ?? 'k'}x`, hostileValues(rng));
  },
  duplicate: (slot, _all, rng) => {
    if (Array.isArray(slot.parent)) slot.parent.splice(rng.below(slot.parent.length + 1), 0, copy(get(slot)));
    else put(slot.parent, rng.pick(Object.keys(slot.parent)), copy(get(slot)));
  },
  swap: (slot, all, rng) => put(slot.parent, slot.key, copy(get(rng.pick(all)))),
  wrap: (slot, _all, rng) => put(slot.parent, slot.key, rng.chance(0.5) ? [get(slot)] : { value: get(slot) }),
  nest: (slot, _all, _rng, nest) => put(slot.parent, slot.key, nest('')),
  number: (slot, _all, rng) => {
    const value = get(slot);
    const n = typeof value === 'number' ? value : rng.below(10);
    const changes = [n + 1, n - 1, -n, n * 2 ** 32, n / 3, 0, 2 ** 53 + 2, -(2 ** 31) - 1, n + 0.5, 1e300];
    put(slot.parent, slot.key, rng.pick(changes));
  },
  string: (slot, _all, rng) => {
    const value = get(slot);
    // String() would call a mutated own `toString`; only primitives are spelled out.
    const s = typeof value === 'string' ? value : value === null || typeof value !== 'object' ? String(value) : 'text';
    const changes = ['', s + s, s.slice(1), '\ud800', `${s}\u0000`, ` ${s}`, s.toUpperCase(), `${s} ${s}`, s.repeat(50)];
    put(slot.parent, slot.key, rng.pick(changes));
  },
};

const JSON_MUTATOR_NAMES = Object.keys(JSON_MUTATORS);

/**
 * Parse `text`, apply 1 to maxMutations structural mutations and serialise it again; null when
 * `text` is not JSON (mutate its bytes instead). Deep nesting is spliced in as text, so the
 * tree itself stays shallow enough to serialise.
 */
export function mutateJson(text: string, rng: FuzzRandom, maxMutations = 3): { text: string; applied: string[] } | null {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return null;
  }
  const nestings: string[] = [];
  const marker = (i: number): string => `\u0001nest${i}\u0001`;
  const nest = (): string => {
    nestings.push(nestingText(rng, true));
    return marker(nestings.length - 1);
  };
  const applied: string[] = [];
  const count = rng.between(1, maxMutations);
  for (let i = 0; i < count; i++) {
    const all = slots(root, rng);
    const name = rng.pick(JSON_MUTATOR_NAMES);
    if (all.length === 0) {
      root = rng.chance(0.5) ? hostileValues(rng) : nest();
      applied.push('replaceRoot');
      continue;
    }
    JSON_MUTATORS[name]!(rng.pick(all), all, rng, nest);
    applied.push(name);
  }
  let out = JSON.stringify(root);
  nestings.forEach((nesting, i) => {
    out = out.replace(JSON.stringify(marker(i)), () => nesting);
  });
  return { text: out, applied };
}
