// Compiled compute pipelines, one per (kernel, dtype, rank, flags, binding pattern) key, with
// their explicit bind group layouts: binding 0 the params uniform (dynamic offset into the
// arena), then one storage binding per distinct buffer. WGSL is generated on a key's first use.

import type { Access } from './bindings.js';

export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

const COMPUTE_STAGE = 0x4; // GPUShaderStage.COMPUTE

export class PipelineCache {
  readonly #pipelines = new Map<string, CachedPipeline>();
  readonly #layouts = new Map<string, GPUBindGroupLayout>();

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.#pipelines.size;
  }

  get(key: string, access: readonly Access[], wgsl: () => string): CachedPipeline {
    const cached = this.#pipelines.get(key);
    if (cached) return cached;
    const layout = this.#layout(access);
    const module = this.device.createShaderModule({ code: wgsl(), label: key });
    const pipeline = this.device.createComputePipeline({
      label: key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const made = { pipeline, layout };
    this.#pipelines.set(key, made);
    return made;
  }

  #layout(access: readonly Access[]): GPUBindGroupLayout {
    const key = access.join(',');
    let layout = this.#layouts.get(key);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: COMPUTE_STAGE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      ];
      access.forEach((mode, k) =>
        entries.push({ binding: k + 1, visibility: COMPUTE_STAGE, buffer: { type: mode === 'read' ? 'read-only-storage' : 'storage' } }),
      );
      layout = this.device.createBindGroupLayout({ entries });
      this.#layouts.set(key, layout);
    }
    return layout;
  }
}
