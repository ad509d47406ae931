import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  // ESM and CommonJS (require() users). One entry, so no chunks: esbuild keeps `import()` of the
  // optional tfjs backends a real dynamic import in the CJS build too.
  format: ['esm', 'cjs'],
  splitting: false,
  dts: true,
  // Readable, unminified output; no source maps (the sources are not shipped).
  sourcemap: false,
  clean: true,
  target: 'es2022',
  // TensorFlow.js is a peer: never bundled.
  external: [/^@tensorflow\//],
});
