// Flat ESLint config shared by every package: JS recommended + typescript-eslint recommended, the
// type-aware promise rules (a dropped or misplaced Promise is a silent bug in async backends), and
// `recur/package-boundaries`, the package graph of docs/architecture.md (tooling/lint/boundaries.js).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import recur from './tooling/lint/boundaries.js';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/.vitepress/cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { recur },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'recur/package-boundaries': 'error',
    },
  },
  {
    // The lint tooling itself runs on Node.
    files: ['tooling/lint/**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    // Type information comes from each package's own tsconfig.json (found per file).
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
