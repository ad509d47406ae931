// The Node flags and Vulkan driver the `webgpu` package (Dawn) needs, shared by the recur-node
// launcher and the vitest config. dawn.node crashes under V8's concurrent GC; these flags must
// be on node's command line (NODE_OPTIONS refuses them).

/** V8 flags: a single-threaded GC with a larger young generation (0 crashes in 100 test runs). */
export const NODE_GPU_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=64', '--expose-gc'];

/** Debian chromium's SwiftShader Vulkan driver, the software GPU Dawn runs on without a real one. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
