import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  // ESM and CommonJS (require() users); shared code split into chunks in both, so an entry and
  // its subpath entries (`/node`) share one copy of each module and its state.
  format: ['esm', 'cjs'],
  splitting: true,
  // The declarations name GPUDevice and friends: the references pull @webgpu/types (a dependency)
  // into every consumer's program whatever its `types` setting, with the DOM lib it builds on
  // (rollup-plugin-dts drops the directives in src/index.ts).
  dts: { banner: '/// <reference lib="dom" />\n/// <reference types="@webgpu/types" />' },
  // Readable, unminified output; no source maps (the sources are not shipped).
  sourcemap: false,
  clean: true,
  target: 'es2022',
});
