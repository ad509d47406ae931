import { defineConfig } from 'tsup';

// Two entries: the CLI, and the worker each system runs in (started by the CLI as a child).
export default defineConfig({
  entry: ['src/index.ts', 'src/worker.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  banner: { js: '#!/usr/bin/env node' },
});
