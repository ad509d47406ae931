// WebGPU's numeric flags (GPUBufferUsage, GPUMapMode), spelled out so the backend works before
// (or without) the `webgpu` package installing its globals in Node. Values are fixed by the spec.

export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MapMode = {
  READ: 0x0001,
} as const;
