import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  // ESM and CommonJS (require() users).
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  // Readable, unminified output; no source maps (the sources are not shipped).
  sourcemap: false,
  clean: true,
  target: 'es2022',
});
