// ESLint rule `recur/package-boundaries`: the package graph of docs/architecture.md as a lint rule.
// A file may import a workspace package only if its package.json declares it (dependencies for
// source, devDependencies too for tests), a published package's source only what the graph allows,
// nothing outside apps/ imports an app (apps import only samples), and no relative path leaves the
// importing file's own package.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// What each package's *source* may import (docs/architecture.md, "Packages and who may import whom").
// Backends see the contract only, never the tensor core; tokenizers and metrics have no dependencies.
// Test files may also use what the package declares as devDependencies (a backend tests with the core).
export const GRAPH = {
  '@recur/backend': [],
  '@recur/backend-cpu': ['@recur/backend'],
  '@recur/backend-webgpu': ['@recur/backend'],
  '@recur/backend-tfjs': ['@recur/backend'],
  '@recur/tensor': ['@recur/backend'],
  '@recur/sequence': ['@recur/backend', '@recur/tensor'],
  '@recur/cells': ['@recur/backend', '@recur/tensor', '@recur/sequence'],
  '@recur/optim': ['@recur/backend', '@recur/tensor'],
  '@recur/train': ['@recur/backend', '@recur/tensor', '@recur/cells', '@recur/optim'],
  '@recur/datasets': ['@recur/backend', '@recur/tensor'],
  '@recur/tokenizers': [],
  '@recur/metrics': [],
  '@recur/export': ['@recur/backend', '@recur/tensor', '@recur/cells'],
  recurjs: [
    '@recur/backend',
    '@recur/backend-cpu',
    '@recur/backend-webgpu',
    '@recur/tensor',
    '@recur/sequence',
    '@recur/cells',
    '@recur/optim',
    '@recur/train',
    '@recur/datasets',
    '@recur/tokenizers',
    '@recur/metrics',
    '@recur/export',
  ],
  // Private; its conformance session compares with @recur/test-support's expectClose.
  '@recur/testkit': [
    '@recur/backend',
    '@recur/tensor',
    '@recur/backend-cpu',
    '@recur/cells',
    '@recur/sequence',
    '@recur/optim',
    '@recur/test-support',
  ],
};

// Tests, benchmarks, configs and scripts: code that never ships in a package's dist.
const TEST_FILE =
  /(\/test-support\/|\/test-(helpers|support)[^/]*\.[cm]?tsx?$|\.test\.[cm]?tsx?$|\.spec\.[cm]?tsx?$|\.config\.[cm]?[jt]s$|\/(test|tests|e2e|bench|scripts)\/)/;

/** Workspace folders by package name, read once: { name -> absolute dir }. */
function workspacePackages() {
  const found = new Map();
  for (const group of ['packages', 'apps', 'apps/samples', 'tooling']) {
    const base = join(ROOT, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirNames(base)) {
      const manifest = join(base, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
      if (name) found.set(name, join(base, entry));
    }
  }
  return found;
}

function readdirNames(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
    .map((entry) => entry.name);
}

let cache;
/** The workspace map plus, per package dir, its name, manifest deps and whether it is an app. */
function workspace() {
  if (cache) return cache;
  const byName = workspacePackages();
  const byDir = new Map();
  for (const [name, dir] of byName) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    byDir.set(dir, {
      name,
      dir,
      // apps/samples/* are the CLI's tasks: other apps may import them, packages never.
      app: relative(ROOT, dir).split(sep)[0] === 'apps',
      sample: relative(ROOT, dir).split(sep).slice(0, 2).join('/') === 'apps/samples',
      dependencies: new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]),
      devDependencies: new Set(Object.keys(manifest.devDependencies ?? {})),
    });
  }
  cache = { byName, byDir };
  return cache;
}

/** The workspace package that owns `file`: the nearest folder above it that is a workspace package. */
function owner(file) {
  const { byDir } = workspace();
  for (let dir = dirname(file); dir.startsWith(ROOT) && dir !== ROOT; dir = dirname(dir)) {
    const found = byDir.get(dir);
    if (found) return found;
  }
  return undefined;
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the package graph of docs/architecture.md' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = owner(file);
    if (!from) return {};
    const { byName } = workspace();
    const published = relative(ROOT, from.dir).split(sep)[0] === 'packages';
    if (published && !GRAPH[from.name]) {
      return {
        Program(node) {
          context.report({
            node,
            message: `${from.name} is not in GRAPH (tooling/lint/boundaries.js): add its place in the package graph`,
          });
        },
      };
    }
    const isTest = TEST_FILE.test(file.split(sep).join('/'));

    function check(node, specifier) {
      if (typeof specifier !== 'string') return;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        if (target !== from.dir && !target.startsWith(from.dir + sep)) {
          const into = owner(join(target, 'x'));
          context.report({
            node,
            message:
              `'${specifier}' reaches outside ${from.name} by relative path` +
              (into ? `; import '${into.name}' instead (declared in ${from.name}'s package.json)` : ''),
          });
        }
        return;
      }
      const name = packageOf(specifier);
      const target = byName.get(name);
      if (!target || name === from.name) return;
      const targetInfo = workspace().byDir.get(target);
      if (targetInfo.app && !(from.app && targetInfo.sample)) {
        const rule = from.app ? 'an app may import a sample (apps/samples/*), no other app' : 'nothing outside apps/ imports an app';
        context.report({ node, message: `${from.name} imports the app ${name}: ${rule}` });
        return;
      }
      const declared = from.dependencies.has(name) || (isTest && from.devDependencies.has(name));
      if (!declared) {
        context.report({
          node,
          message: `${from.name} imports ${name} without declaring it in ${isTest ? 'dependencies or devDependencies' : 'dependencies'}`,
        });
        return;
      }
      const allowed = GRAPH[from.name];
      if (allowed && !isTest && !allowed.includes(name)) {
        context.report({
          node,
          message: `${from.name} may import only ${allowed.length ? allowed.join(', ') : 'no workspace package'} (docs/architecture.md); it imports ${name}`,
        });
      }
    }

    const fromSource = (node) => check(node.source ?? node, node.source?.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: (node) => node.source && fromSource(node),
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { meta: { name: 'recur' }, rules: { 'package-boundaries': rule } };
