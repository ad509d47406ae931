// The compressed matrices of a module tree by full state-dict key (what weights and model files
// store beside the float state dict: int8 values + per-row scales, or float16 bits).

import type { Module } from '@recur/cells';
import { isQuantizedModule } from './quantized-module.js';
import type { QuantizedArrays } from '../compress/stored-weights.js';

export function quantizedArraysOf(model: Module): Record<string, QuantizedArrays> {
  const arrays: Record<string, QuantizedArrays> = {};
  for (const [prefix, module] of model.namedModules()) {
    if (!isQuantizedModule(module)) continue;
    for (const [name, weight] of module.quantizedWeights()) {
      arrays[prefix ? `${prefix}.${name}` : name] = {
        dtype: weight.dtype,
        shape: weight.shape,
        values: weight.values,
        scales: weight.scales,
      };
    }
  }
  return arrays;
}
