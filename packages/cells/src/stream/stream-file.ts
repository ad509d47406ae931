// A stream's state as a safetensors file: tensors `state.0`, `state.1`, … (h, then c for an
// LSTM; [L·D, B, H] each) and metadata `format: recur-stream-state`, so streams survive a restart.

import { FormatError, parseSafetensors, serializeSafetensors, type Tensor } from '@recur/tensor';

export const STREAM_STATE_FORMAT = 'recur-stream-state';
const RESERVED = new Set(['format', 'tensors']);

export function encodeStreamState(state: readonly Tensor[], metadata: Readonly<Record<string, string>>): Promise<Uint8Array> {
  for (const key of Object.keys(metadata)) {
    if (RESERVED.has(key)) throw new FormatError(`saveState: metadata key '${key}' is reserved (${[...RESERVED].join(', ')})`);
    if (typeof metadata[key] !== 'string')
      throw new FormatError(`saveState: metadata '${key}' must be a string; got ${typeof metadata[key]}`);
  }
  const tensors = Object.fromEntries(state.map((t, i) => [`state.${i}`, t]));
  return serializeSafetensors(tensors, { ...metadata, format: STREAM_STATE_FORMAT, tensors: String(state.length) });
}

/** The state tensors in order (the caller owns them) and the user's metadata. */
export function decodeStreamState(bytes: Uint8Array, source: string): { tensors: Tensor[]; metadata: Record<string, string> } {
  const loaded = parseSafetensors(bytes, { source });
  const fail = (message: string): never => {
    Object.values(loaded.tensors).forEach((t) => t.dispose());
    throw new FormatError(`${source}: ${message}`);
  };
  if (loaded.metadata.format !== STREAM_STATE_FORMAT) {
    fail(
      `expected metadata format '${STREAM_STATE_FORMAT}'; got ${loaded.metadata.format === undefined ? 'none' : `'${loaded.metadata.format}'`}`,
    );
  }
  const count = Number(loaded.metadata.tensors);
  const names = Object.keys(loaded.tensors).sort();
  const expected = Array.from({ length: count }, (_, i) => `state.${i}`).sort();
  if (!Number.isInteger(count) || count < 1 || names.join() !== expected.join()) {
    fail(`expected tensors ${expected.join(', ') || '(a positive count)'}; got ${names.join(', ') || 'none'}`);
  }
  const metadata = Object.fromEntries(Object.entries(loaded.metadata).filter(([k]) => !RESERVED.has(k)));
  return { tensors: Array.from({ length: count }, (_, i) => loaded.tensors[`state.${i}`]!), metadata };
}
