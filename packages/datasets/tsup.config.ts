import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per corpus, so importing the main entry never touches an optional corpus package.
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    'corpora/births': 'src/corpora/births.ts',
    'corpora/spam-assassin': 'src/corpora/spam-assassin.ts',
    'corpora/cmudict': 'src/corpora/cmudict.ts',
    'corpora/moby-dick': 'src/corpora/moby-dick.ts',
    'corpora/first-names': 'src/corpora/first-names.ts',
  },
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
