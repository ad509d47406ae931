// A fresh consumer project outside the repository that installs only some packages, as npm
// users do (from the packed tarballs, the rest from the registry), then runs an ES module and a
// CommonJS script against them and type-checks with skipLibCheck off under node16, node10 and
// bundler resolution.

import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pool, run } from './run.js';
import type { WorkspacePackage } from './workspace.js';

/** What the consumer installs; their @recur dependencies come along as tarballs too. */
export const CONSUMER_PACKAGES = [
  '@recur/tensor',
  '@recur/backend-cpu',
  '@recur/cells',
  '@recur/optim',
  '@recur/datasets',
  '@recur/backend-webgpu',
];

const COMMON = { target: 'ES2022', lib: ['ES2022'], types: ['node'], strict: true, skipLibCheck: false, noEmit: true };
const TSCONFIGS = {
  node16: {
    compilerOptions: { ...COMMON, module: 'node16', moduleResolution: 'node16' },
    files: ['types.ts', 'types-cjs.cts', 'webgpu.ts'],
  },
  node10: { compilerOptions: { ...COMMON, module: 'commonjs', moduleResolution: 'node10' }, files: ['types.ts', 'webgpu.ts'] },
  bundler: { compilerOptions: { ...COMMON, module: 'esnext', moduleResolution: 'bundler' }, files: ['types.ts', 'webgpu.ts'] },
};

/**
 * A stand-in for the optional peer `webgpu` (Dawn, ESM-only, a large native download): ESM with
 * a top-level await, so require() cannot load it and only a real import() reaches create().
 */
function writeStubWebgpu(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'webgpu', version: '0.0.0-stub', type: 'module', exports: './index.js' }),
  );
  writeFileSync(
    join(dir, 'index.js'),
    [
      'await Promise.resolve();',
      'export const globals = {};',
      'export function create() {',
      '  globalThis.recurStubGpuCreated++;',
      '  return { requestAdapter: async () => null };',
      '}',
      '',
    ].join('\n'),
  );
}

/** The wanted packages and, transitively, the workspace packages they depend on. */
function closure(wanted: readonly string[], byName: ReadonlyMap<string, WorkspacePackage>): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    const pkg = byName.get(name);
    if (!pkg) throw new Error(`the consumer wants ${name}, which is not a public workspace package`);
    seen.add(name);
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) if (byName.has(dep)) visit(dep);
  };
  wanted.forEach(visit);
  return [...seen];
}

/**
 * Sets the consumer up in `dir` and runs every step; resolves to the failures (each with its
 * output) and the steps' timings. `tarballs` maps package names to packed files.
 */
export interface ConsumerOptions {
  readonly root: string;
  readonly dir: string;
  readonly packages: readonly WorkspacePackage[];
  readonly tarballs: ReadonlyMap<string, string>;
  readonly fixtures: string;
  readonly log: (line: string) => void;
}

export async function checkConsumer({ root, dir, packages, tarballs, fixtures, log }: ConsumerOptions): Promise<string[]> {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const installed = closure(CONSUMER_PACKAGES, byName);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'recur-consumer', private: true, type: 'module' }, null, 2));
  for (const file of readdirSync(fixtures)) copyFileSync(join(fixtures, file), join(dir, file));
  for (const [name, config] of Object.entries(TSCONFIGS))
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));

  const requireRoot = createRequire(join(root, 'package.json'));
  const typesNode = (JSON.parse(readFileSync(requireRoot.resolve('@types/node/package.json'), 'utf8')) as { version: string }).version;
  const tsc = requireRoot.resolve('typescript/bin/tsc');
  const failures: string[] = [];
  const step = async (label: string, command: string, args: readonly string[]): Promise<boolean> => {
    const started = Date.now();
    const result = await run(command, args, { cwd: dir });
    log(`  ${label}: ${result.code === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (result.code !== 0) failures.push(`consumer: ${label} failed\n${result.output}`);
    return result.code === 0;
  };

  const npmArgs = [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
    ...installed.map((n) => tarballs.get(n)!),
    `@types/node@${typesNode}`,
  ];
  if (!(await step(`npm install ${installed.join(' ')}`, 'npm', npmArgs))) return failures;
  writeStubWebgpu(join(dir, 'node_modules', 'webgpu'));
  await step('node esm.mjs (import)', process.execPath, ['esm.mjs']);
  await step('node cjs.cjs (require)', process.execPath, ['cjs.cjs']);
  // Two at a time: CI has two cores, and each check takes some seconds.
  await pool(
    Object.keys(TSCONFIGS).map(
      (name) => () => step(`tsc, moduleResolution ${name}, skipLibCheck false`, process.execPath, [tsc, '-p', `tsconfig.${name}.json`]),
    ),
    2,
  );
  return failures;
}
