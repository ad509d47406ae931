// A module tree's weights as one file and back, quantized modules included: their compressed
// matrices (int8 + per-row scales, or float16 bits) are stored as they are, under the weight's
// state-dict key; everything else as the state dict (float32, float16 or sparse, as asked).

import { ValueError, describeValue } from '@recur/backend';
import { Module } from '@recur/cells';
import { backendOf, fromTypedArray, type Tensor } from '@recur/tensor';
import { ModelFileError } from '../model-file/errors.js';
import { isQuantizedModule, type QuantizedModule } from '../quantize/quantized-module.js';
import { QuantizedWeight } from '../quantize/quantized-weight.js';
import type { StoredWeights } from './read-stored-weights.js';
import { serializeWeights, type QuantizedArrays, type StoreWeightsOptions } from './stored-weights.js';

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

function quantizedModules(model: Module): [string, Module & QuantizedModule][] {
  return model.namedModules().filter((entry): entry is [string, Module & QuantizedModule] => isQuantizedModule(entry[1]));
}

/** The bytes of a weights file of `model` (a quantized tree keeps its int8 / float16 matrices). */
export async function serializeModuleWeights(
  model: Module,
  metadata: Readonly<Record<string, string>> = {},
  storage: StoreWeightsOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  if (!(model instanceof Module)) throw new ValueError(`serializeModuleWeights: expected a Module; got ${describeValue(model)}`);
  const quantized: Record<string, QuantizedArrays> = {};
  for (const [prefix, module] of quantizedModules(model)) {
    for (const [name, weight] of module.quantizedWeights()) {
      quantized[join(prefix, name)] = { dtype: weight.dtype, shape: weight.shape, values: weight.values, scales: weight.scales };
    }
  }
  return serializeWeights(model.stateDict(), metadata, storage, quantized);
}

/**
 * Load stored weights into `model`, strictly: the file's keys are exactly the model's (its state
 * dict and its quantized matrices), each with its shape and, for quantized ones, its dtype. A
 * mismatch is a ModelFileError and changes nothing.
 */
export function loadModuleWeights(model: Module, stored: StoredWeights, source: string): void {
  const own = model.stateDict();
  const quantized = new Map<string, [Module & QuantizedModule, string, QuantizedWeight]>();
  for (const [prefix, module] of quantizedModules(model))
    for (const [name, weight] of module.quantizedWeights()) quantized.set(join(prefix, name), [module, name, weight]);
  const expected = [...Object.keys(own), ...quantized.keys()];
  const missing = expected.filter((key) => !Object.hasOwn(stored.shapes, key));
  if (missing.length > 0) throw new ModelFileError('missing', `${source}: no weights for ${missing.slice(0, 10).join(', ')}`);
  const unexpected = Object.keys(stored.shapes).filter((key) => !Object.hasOwn(own, key) && !quantized.has(key));
  if (unexpected.length > 0)
    throw new ModelFileError('unexpected', `${source}: weights the model does not have: ${unexpected.slice(0, 10).join(', ')}`);
  for (const key of expected) {
    const want = Object.hasOwn(own, key) ? own[key]!.shape : quantized.get(key)![2].shape;
    const shape = stored.shapes[key]!;
    if (shape.length !== want.length || shape.some((d, i) => d !== want[i]))
      throw new ModelFileError('shape', `${source}: '${key}' expected shape [${want.join(',')}]; the file has [${shape.join(',')}]`);
  }
  for (const [key, [, , weight]] of quantized) {
    const kind = stored.quantizedKeys.includes(key) ? stored.quantized(key).dtype : 'float32';
    if (kind !== weight.dtype)
      throw new ModelFileError(
        'dtype',
        `${source}: '${key}' expected ${weight.dtype === 'int8' ? 'an' : 'a'} ${weight.dtype} weight; the file has ${kind}`,
      );
  }
  const stray = stored.quantizedKeys.find((key) => !quantized.has(key));
  if (stray !== undefined)
    throw new ModelFileError('dtype', `${source}: '${stray}' is stored quantized, but the model's is float32 (quantize the model first)`);
  // Decode everything before changing the model.
  const tensors: Record<string, Tensor> = {};
  const weights: [Module & QuantizedModule, string, QuantizedWeight][] = [];
  try {
    for (const [key, target] of Object.entries(own))
      tensors[key] = fromTypedArray(stored.values(key), target.shape, { backend: backendOf('loadCompressedWeights', target) });
    for (const [key, [module, name]] of quantized) {
      const q = stored.quantized(key);
      weights.push([module, name, new QuantizedWeight(q.dtype, q.shape, q.values as never, q.scales as never)]);
    }
    model.loadStateDict(tensors, { strict: true });
  } catch (error) {
    for (const [, , weight] of weights) weight.dispose();
    throw error;
  } finally {
    for (const tensor of Object.values(tensors)) tensor.dispose();
  }
  for (const [module, name, weight] of weights) module.setQuantizedWeight(name, weight);
}
