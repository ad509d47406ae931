// The 500-line budget per source file (docs/architecture.md, Style 2): fails when a file outgrows it.
// Files already over it are listed in file-budget-allowlist.txt with the length they may not pass;
// that list only shrinks: an entry whose file is back under the budget, or gone, must be removed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET = 500;
// How many entries the allowlist may hold. Lower it when an entry leaves; never raise it.
const MAX_ENTRIES = 0;
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|vue|wgsl|py)$/;

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const allowlistPath = join(here, 'file-budget-allowlist.txt');

/** `path max-lines  # why` per line; blank lines and `#` comments are skipped. */
function readAllowlist() {
  const entries = new Map();
  readFileSync(allowlistPath, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const [path, max, extra] = line.split(/\s+/);
      if (!path || !/^\d+$/.test(max ?? '') || extra !== undefined) {
        throw new Error(`${allowlistPath}:${index + 1}: expected "path max-lines  # why", got "${raw}"`);
      }
      entries.set(path, Number(max));
    });
  return entries;
}

const lineCount = (text) => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((path) => SOURCE.test(path) && !/(^|\/)(dist|node_modules)\//.test(path) && existsSync(join(root, path)));

const allowlist = readAllowlist();
const problems = [];
if (allowlist.size > MAX_ENTRIES) {
  problems.push(`the allowlist holds ${allowlist.size} entries but may hold at most ${MAX_ENTRIES}: split the file instead`);
}
for (const path of files) {
  const lines = lineCount(readFileSync(join(root, path), 'utf8'));
  const allowed = allowlist.get(path);
  if (allowed === undefined) {
    if (lines > BUDGET) problems.push(`${path}: ${lines} lines, over the budget of ${BUDGET}: split it (one concept per file)`);
  } else if (lines > allowed) {
    problems.push(`${path}: ${lines} lines, longer than the ${allowed} the allowlist grants: split it`);
  } else if (lines <= BUDGET) {
    problems.push(`${path}: ${lines} lines, within the budget: remove it from ${allowlistPath} and lower MAX_ENTRIES`);
  }
}
const listed = new Set(files);
for (const path of allowlist.keys()) {
  if (!listed.has(path)) problems.push(`${path}: listed in the allowlist but not a source file: remove the entry`);
}

if (problems.length) {
  console.error(`file budget (${BUDGET} lines):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`file budget: ${files.length} source files within ${BUDGET} lines (${allowlist.size} allowlisted)`);
