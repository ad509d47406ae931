import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Loaded on demand by RECUR_BACKEND=webgpu from the workspace root; never bundled.
  external: ['@recur/backend-webgpu', 'webgpu'],
});
