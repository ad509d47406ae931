// Packs a package with pnpm (which applies publishConfig and turns workspace: ranges into
// versions) and checks the tarball: only dist, README, LICENSE, package.json (and bin), no
// source maps, nothing that imports vitest; then publint and attw on the tarball itself.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from './run.js';

const ALLOWED = /^(dist\/.+|bin\/.+|README\.md|LICENSE|package\.json)$/;

/** Packs `dir` into `dest` and returns the tarball's path. */
export function pack(dir: string, dest: string): string {
  const before = new Set(readdirSync(dest));
  execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const made = readdirSync(dest).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (made.length !== 1) throw new Error(`pnpm pack in ${dir} made ${made.length} tarballs`);
  return join(dest, made[0]!);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Problems with the unpacked contents of `tarball` (unpacked into `scratch`). */
export function contentProblems(name: string, tarball: string, scratch: string): { problems: string[]; files: number; bytes: number } {
  mkdirSync(scratch, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', scratch]);
  const root = join(scratch, 'package');
  const files = walk(root).map((f) => relative(root, f));
  const problems: string[] = [];
  for (const file of files) {
    if (!ALLOWED.test(file))
      problems.push(`${name}: ships ${file} (only dist, bin, README.md, LICENSE, package.json belong in the tarball)`);
    else if (file.endsWith('.map')) problems.push(`${name}: ships a source map ${file}`);
    else if (
      /\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file) &&
      /(from|require\(|import\()\s*['"]vitest/.test(readFileSync(join(root, file), 'utf8'))
    ) {
      problems.push(`${name}: ${file} imports vitest (a test helper reached a published entry)`);
    }
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports?: unknown;
    dependencies?: Record<string, string>;
  };
  if (JSON.stringify(manifest.exports ?? {}).includes('@recur/source'))
    problems.push(`${name}: the packed exports still carry the @recur/source condition`);
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    if (dep.startsWith('@recur/') && !range.startsWith('^'))
      problems.push(`${name}: depends on ${dep}@"${range}"; a caret range was expected`);
  }
  if (!files.includes('LICENSE')) problems.push(`${name}: the tarball has no LICENSE`);
  return { problems, files: files.length, bytes: statSync(tarball).size };
}

/** publint (warnings count) and attw on the tarball; resolves to the failures' output. */
export async function lint(name: string, tarball: string, bin: string): Promise<string[]> {
  const failures: string[] = [];
  const publint = await run(join(bin, 'publint'), [tarball, '--strict']);
  if (publint.code !== 0) failures.push(`${name}: publint failed\n${publint.output}`);
  const attw = await run(join(bin, 'attw'), [tarball, '--format', 'ascii']);
  if (attw.code !== 0) failures.push(`${name}: attw failed\n${attw.output}`);
  return failures;
}
