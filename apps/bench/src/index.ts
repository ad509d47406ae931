// `pnpm bench` / `recur-bench`: the command-line entry. The root script runs it with the GC
// flags Dawn needs (CONTRIBUTING.md, "Dawn and the garbage collector"); the WebGPU workers
// get those flags from the harness anyway.

import { main } from './cli.js';

process.exitCode = await main(process.argv);
