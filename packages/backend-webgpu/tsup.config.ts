import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  // ESM and CommonJS (require() users). One entry, so no chunks: esbuild writes the CJS build
  // itself and keeps `import()` a real dynamic import there, which the ESM-only `webgpu` package
  // (Dawn, loaded on demand in Node) needs; tsup's split CJS would turn it into require().
  format: ['esm', 'cjs'],
  splitting: false,
  // The declarations name GPUDevice and friends: the references pull @webgpu/types (a dependency)
  // into every consumer's program whatever its `types` setting, with the DOM lib it builds on
  // (rollup-plugin-dts drops the directives in src/index.ts).
  dts: { banner: '/// <reference lib="dom" />\n/// <reference types="@webgpu/types" />' },
  // Readable, unminified output; no source maps (the sources are not shipped).
  sourcemap: false,
  clean: true,
  target: 'es2022',
});
