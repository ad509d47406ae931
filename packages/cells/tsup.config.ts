import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  // ESM and CommonJS (require() users); shared code split into chunks in both, so an entry and
  // its subpath entries (`/node`) share one copy of each module and its state.
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  // Readable, unminified output; no source maps (the sources are not shipped).
  sourcemap: false,
  clean: true,
  target: 'es2022',
});
