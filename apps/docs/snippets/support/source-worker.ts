// For the docs' tests only (not shown on the site): a worker_threads Worker that runs a snippet
// from its TypeScript source — tsx (the workspace root's devDependency) is registered in the
// worker before the snippet is imported — as compiled code would run `new Worker(url)`.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker as NodeWorker } from 'node:worker_threads';

function bootstrap(entry: URL): string {
  const tsx = 'tsx'; // a computed name: the docs app does not depend on tsx itself
  const api = createRequire(import.meta.url)
    .resolve(`${tsx}/esm/api`)
    .replace(/index\.cjs$/, 'index.mjs');
  return `(async () => {
    const { register } = await import(${JSON.stringify(pathToFileURL(api).href)});
    register();
    await import(${JSON.stringify(entry.href)});
  })();`;
}

export class Worker extends NodeWorker {
  constructor(entry: URL) {
    super(bootstrap(entry), { eval: true, execArgv: ['--conditions=@recur/source'] });
  }
}
