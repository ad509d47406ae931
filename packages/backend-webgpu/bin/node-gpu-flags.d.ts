// Types of node-gpu-flags.js (a plain ES module so the launcher runs without a build).
export declare const NODE_GPU_FLAGS: readonly string[];
export declare const SWIFTSHADER_ICD: string;
