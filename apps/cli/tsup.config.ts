import { defineConfig } from 'tsup';

// index.ts is the `recur` binary; main.ts is the programmatic entry (`main(argv, io)`).
export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/main.ts' },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  banner: { js: '#!/usr/bin/env node' },
});
