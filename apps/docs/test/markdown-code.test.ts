// Guards the rule that keeps the docs from drifting: every TypeScript or JavaScript sample on the
// site comes from snippets/ (type-checked and executed), never from a fenced block in a page.
// It also checks that the included snippets exist and that the two languages show the same code.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', 'api', 'snippets', 'test', 'e2e', 'scripts', 'public', '.vitepress']);

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIP.has(name) ? [] : pages(path);
    return name.endsWith('.md') && name !== 'README.md' ? [relative(root, path)] : [];
  });
}

const all = pages(root).sort();
const includes = (page: string) =>
  [...readFileSync(join(root, page), 'utf8').matchAll(/^<<< @\/(snippets\/[\w-]+\.ts)(?:#example)?$/gm)].map((m) => m[1]!);

describe('the pages', () => {
  it('are found in both languages', () => {
    const english = all.filter((page) => !page.startsWith('zh/'));
    expect(english.length).toBeGreaterThan(10);
    expect(all.filter((page) => page.startsWith('zh/'))).toEqual(english.map((page) => `zh/${page}`));
  });

  it.each(all)('%s has no inline TypeScript or JavaScript block', (page) => {
    const fences = [...readFileSync(join(root, page), 'utf8').matchAll(/^(```|~~~)\s*([\w-]*)/gm)].map((m) => m[2]!.toLowerCase());
    const code = fences.filter((lang) => ['ts', 'typescript', 'js', 'javascript', 'tsx', 'jsx', 'mjs', 'mts', 'vue'].includes(lang));
    expect(code).toEqual([]);
  });

  it.each(all)('%s includes only snippets that exist', (page) => {
    for (const snippet of includes(page)) expect(existsSync(join(root, snippet)), snippet).toBe(true);
  });

  it.each(all.filter((page) => !page.startsWith('zh/')))('%s shows the same snippets as its Chinese twin', (page) => {
    expect(includes(`zh/${page}`)).toEqual(includes(page));
  });

  it('include snippets through their example region', () => {
    const snippets = readdirSync(join(root, 'snippets')).filter((name) => name.endsWith('.ts'));
    for (const name of snippets) {
      const text = readFileSync(join(root, 'snippets', name), 'utf8');
      expect(text, name).toMatch(/^\/\/ #region example$[\s\S]+^\/\/ #endregion example$/m);
    }
    for (const page of all) {
      const lines = readFileSync(join(root, page), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('<<< @/snippets/'));
      for (const line of lines) expect(line, page).toMatch(/#example$/);
    }
  });

  it('use every snippet somewhere', () => {
    const used = new Set(all.flatMap(includes));
    const snippets = readdirSync(join(root, 'snippets'))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `snippets/${name}`);
    expect(snippets.filter((snippet) => !used.has(snippet))).toEqual([]);
  });
});
