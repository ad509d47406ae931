// The workspace's public packages (packages/* without "private") and the manifest conventions
// every one of them keeps: dual exports without the workspace-only `@recur/source` condition in
// the published manifest, ranges for internal dependencies, dist-only files, metadata, LICENSE.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_CONDITION = '@recur/source';

/** The parts of package.json these checks read. */
export interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly main?: string;
  readonly module?: string;
  readonly types?: string;
  readonly files?: string[];
  readonly engines?: { readonly node?: string };
  readonly repository?: { readonly directory?: string };
  readonly exports?: Record<string, string | Record<string, unknown>>;
  readonly publishConfig?: { readonly exports?: Record<string, unknown> };
  readonly typesVersions?: Record<string, Record<string, string[]>>;
  readonly dependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

export interface WorkspacePackage {
  readonly dir: string;
  readonly name: string;
  readonly manifest: Manifest;
}

type Conditions = Record<string, { types?: string; default?: string } | undefined>;

/** Public packages under packages/*: { dir, name, manifest }. */
export function publicPackages(root: string): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const entry of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', entry);
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (!manifest.private) found.push({ dir, name: manifest.name, manifest });
  }
  return found;
}

/** Problems with a package's manifest and directory, as sentences (empty when all is well). */
export function manifestProblems({ dir, name, manifest: m }: WorkspacePackage): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, what: string): void => {
    if (!ok) problems.push(`${name}: ${what}`);
  };
  for (const field of ['description', 'license', 'homepage', 'bugs', 'repository', 'keywords']) need(m[field], `"${field}" is missing`);
  need(m.repository?.directory, '"repository.directory" is missing');
  need(m.engines?.node, '"engines.node" is missing');
  need(existsSync(join(dir, 'LICENSE')), 'no LICENSE file (copy the root one)');
  need(existsSync(join(dir, 'README.md')), 'no README.md');
  need(
    Array.isArray(m.files) && m.files.includes('dist') && !m.files.some((f) => /^!?src\b/.test(f)),
    `"files" must ship dist and no sources, got ${JSON.stringify(m.files)}`,
  );
  need(
    m.main?.endsWith('.cjs') && m.module?.endsWith('.js') && m.types?.endsWith('.d.cts'),
    '"main"/"module"/"types" must name the CJS build, the ESM build and the .d.cts',
  );
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries((m[field] ?? {}) as Record<string, string>)) {
      need(!/^workspace:(\*|[\d.]+)$/.test(range), `${field}.${dep} is "${range}"; use "workspace:^" so the published range is not pinned`);
    }
  }
  const published = m.publishConfig?.exports;
  need(published, '"publishConfig.exports" (the exports without the source condition) is missing');
  for (const [subpath, entry] of Object.entries(m.exports ?? {})) {
    if (typeof entry === 'string') continue;
    const conditions = entry as Conditions;
    need(entry[SOURCE_CONDITION], `exports["${subpath}"] has no "${SOURCE_CONDITION}" condition (workspace tests run on sources)`);
    need(!('source' in entry), `exports["${subpath}"] uses the generic "source" condition; name it "${SOURCE_CONDITION}"`);
    const { [SOURCE_CONDITION]: _source, ...rest } = entry;
    void _source;
    need(
      JSON.stringify(published?.[subpath]) === JSON.stringify(rest),
      `publishConfig.exports["${subpath}"] differs from exports["${subpath}"] without its source condition`,
    );
    need(
      conditions.import?.types &&
        conditions.import?.default &&
        conditions.require?.types?.endsWith('.d.cts') &&
        conditions.require?.default?.endsWith('.cjs'),
      `exports["${subpath}"] needs import {types, default} and require {types: .d.cts, default: .cjs}`,
    );
    if (subpath !== '.' && subpath !== './package.json') {
      need(
        m.typesVersions?.['*']?.[subpath.slice(2)],
        `typesVersions has no "${subpath.slice(2)}" (moduleResolution node10 cannot see the subpath)`,
      );
    }
  }
  return problems;
}
