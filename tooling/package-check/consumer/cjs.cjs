// The consumer as CommonJS: every package through require(), which must load the CJS build.
'use strict';
const assert = require('node:assert/strict');
const scenario = require('./scenario.cjs');

for (const specifier of ['@recur/tensor', '@recur/optim/node', '@recur/backend-cpu']) {
  assert.match(require.resolve(specifier), /\.cjs$/, `require of ${specifier} did not load the CJS build`);
}
const modules = {
  tensor: require('@recur/tensor'),
  tensorNode: require('@recur/tensor/node'),
  cpu: require('@recur/backend-cpu'),
  cells: require('@recur/cells'),
  optim: require('@recur/optim'),
  optimNode: require('@recur/optim/node'),
  datasets: require('@recur/datasets'),
  datasetsNode: require('@recur/datasets/node'),
  births: require('@recur/datasets/corpora/births'),
  webgpu: require('@recur/backend-webgpu'),
};
scenario(modules, 'cjs').then(
  (losses) => console.log(`cjs: loss ${losses[0].toFixed(4)} -> ${losses.at(-1).toFixed(4)}`),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
