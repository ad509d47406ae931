// `pnpm check:packages` (CI, after `pnpm build`): every public package is packed as npm would
// publish it, its manifest and tarball are checked, publint and attw run on the tarball, and a
// fresh consumer project installs some of the tarballs and uses them (consumer.ts). Exits 1 on
// any problem, listing them all.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConsumer } from './consumer.js';
import { contentProblems, lint, pack } from './pack.js';
import { pool } from './run.js';
import { manifestProblems, publicPackages } from './workspace.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../../..');
const bin = resolve(here, '../node_modules/.bin');
const keep = process.argv.includes('--keep');
const log = (line: string): void => console.log(line);
const started = Date.now();

// --skip=<name> leaves a package out (a package still being written); CI passes none.
const skipped = process.argv.filter((a) => a.startsWith('--skip=')).map((a) => a.slice('--skip='.length));
const packages = publicPackages(root).filter((p) => !skipped.includes(p.name));
const problems: string[] = [];
for (const pkg of packages) {
  problems.push(...manifestProblems(pkg));
  if (!existsSync(join(pkg.dir, 'dist', 'index.js')) || !existsSync(join(pkg.dir, 'dist', 'index.cjs'))) {
    problems.push(`${pkg.name}: dist/index.js or dist/index.cjs is missing; run \`pnpm build\` first`);
  }
}
if (problems.length > 0) finish(problems, null);

const work = mkdtempSync(join(tmpdir(), 'recur-packages-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
const tarballs = new Map<string, string>();
log(`packing ${packages.length} packages into ${tarballDir}`);
for (const pkg of packages) {
  const tarball = pack(pkg.dir, tarballDir);
  tarballs.set(pkg.name, tarball);
  const { problems: found, files, bytes } = contentProblems(pkg.name, tarball, join(work, 'unpacked', pkg.name));
  problems.push(...found);
  log(`  ${pkg.name}: ${files} files, ${(bytes / 1024).toFixed(1)} KiB packed`);
}

log('publint --strict and attw on each tarball');
const lintResults = await pool(
  packages.map((pkg) => () => lint(pkg.name, tarballs.get(pkg.name)!, bin)),
  2,
);
lintResults.forEach((failures, i) => {
  log(`  ${packages[i]!.name}: ${failures.length === 0 ? 'ok' : 'FAILED'}`);
  problems.push(...failures);
});

const consumerDir = join(work, 'consumer');
mkdirSync(consumerDir);
log(`consumer project in ${consumerDir}`);
problems.push(...(await checkConsumer({ root, dir: consumerDir, packages, tarballs, fixtures: resolve(here, '../consumer'), log })));
finish(problems, work);

function finish(found: readonly string[], dir: string | null): never {
  if (dir && !keep) rmSync(dir, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (found.length === 0) {
    log(`check:packages: ${packages.length} packages ok (${seconds} s)`);
    process.exit(0);
  }
  console.error(`\ncheck:packages: ${found.length} problem(s) (${seconds} s)${dir && keep ? `; files kept in ${dir}` : ''}\n`);
  for (const problem of found) console.error(`- ${problem}\n`);
  process.exit(1);
}
