// Node.js entry (`@recur/export/node`): whole-model files on disk. saveModel writes atomically
// (temporary file, fsync, rename: a crash leaves the old file or the new one, never half of one).

import type { Module } from '@recur/cells';
import { readFileBytes, writeFileAtomic } from '@recur/tensor/node';
import type { StoreWeightsOptions } from './compress/stored-weights.js';
import { parseModel, serializeModel } from './model-file/model-file.js';

/** Save `module` (tree, options, weights) as one safetensors file at `path`; `storage`: float16 and/or sparse weights. */
export async function saveModel(
  path: string,
  module: Module,
  metadata: Readonly<Record<string, string>> = {},
  storage: StoreWeightsOptions = {},
): Promise<void> {
  await writeFileAtomic(path, await serializeModel(module, metadata, storage));
}

/** Load a model saved by saveModel, without its code; a bad file is a ModelFileError / FormatError naming `path`. */
export async function loadModel(path: string): Promise<Module> {
  return parseModel(await readFileBytes(path), { source: path });
}
