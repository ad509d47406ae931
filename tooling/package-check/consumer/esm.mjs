// The consumer as an ES module: every package through `import`, which must load the ESM build.
import assert from 'node:assert/strict';
import * as tensor from '@recur/tensor';
import * as tensorNode from '@recur/tensor/node';
import * as cpu from '@recur/backend-cpu';
import * as cells from '@recur/cells';
import * as optim from '@recur/optim';
import * as optimNode from '@recur/optim/node';
import * as datasets from '@recur/datasets';
import * as datasetsNode from '@recur/datasets/node';
import * as births from '@recur/datasets/corpora/births';
import * as webgpu from '@recur/backend-webgpu';
import scenario from './scenario.cjs';

for (const specifier of ['@recur/tensor', '@recur/optim/node', '@recur/backend-cpu']) {
  assert.match(import.meta.resolve(specifier), /\.js$/, `import of ${specifier} did not load the ESM build`);
}
const losses = await scenario({ tensor, tensorNode, cpu, cells, optim, optimNode, datasets, datasetsNode, births, webgpu }, 'esm');
console.log(`esm: loss ${losses[0].toFixed(4)} -> ${losses.at(-1).toFixed(4)}`);
