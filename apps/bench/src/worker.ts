// A system's worker process: `worker <system>` answers the harness's requests (init, setup,
// run, teardown) over Node's IPC channel. One process per system keeps the libraries apart, and
// lets the harness stop an iteration that runs too long, or survive a crash of Dawn.

import { Unsupported, type Driver, type Iteration, type Reply, type Request, type SystemName } from './protocol.js';

async function loadDriver(system: SystemName): Promise<Driver> {
  switch (system) {
    case 'recur-cpu':
      return (await import('./drivers/recur-driver.js')).recurDriver('cpu');
    case 'recur-webgpu':
      return (await import('./drivers/recur-driver.js')).recurDriver('webgpu');
    case 'recur-tfjs-wasm':
      return (await import('./drivers/recur-driver.js')).recurDriver('tfjs-wasm');
    case 'recur-tfjs-webgpu':
      return (await import('./drivers/recur-driver.js')).recurDriver('tfjs-webgpu');
    case 'tfjs-cpu':
      return (await import('./drivers/tfjs-driver.js')).tfjsDriver('cpu');
    case 'tfjs-wasm':
      return (await import('./drivers/tfjs-driver.js')).tfjsDriver('wasm');
    case 'tfjs-webgpu':
      return (await import('./drivers/tfjs-driver.js')).tfjsDriver('webgpu');
    case 'ort-wasm':
      return (await import('./drivers/ort-driver.js')).ortDriver('wasm');
    case 'ort-node':
      return (await import('./drivers/ort-driver.js')).ortDriver('node');
    case 'brainjs':
      return (await import('./drivers/brainjs-driver.js')).brainjsDriver();
    default:
      throw new Error(`no Node driver for system '${system}'`);
  }
}

function message(error: unknown): string {
  if (error instanceof Unsupported) return `unsupported: ${error.message}`;
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  // tfjs-backend-wasm rejects with plain { message } objects.
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

export function serveWorker(system: SystemName): void {
  let driver: Driver | undefined;
  let iteration: Iteration | undefined;
  let liveAfterLastRun: number | undefined;

  async function handle(request: Request): Promise<Reply> {
    switch (request.type) {
      case 'init':
        driver = await loadDriver(system);
        return { ok: true, info: await driver.init(request.threads) };
      case 'setup':
        if (!driver) throw new Error('setup before init');
        iteration?.dispose();
        iteration = undefined;
        liveAfterLastRun = undefined;
        iteration = await driver.prepare(request.spec);
        return { ok: true, batchScale: iteration.batchScale, note: iteration.note };
      case 'run': {
        if (!iteration) throw new Error('run before setup');
        const times: number[] = [];
        for (let i = 0; i < request.count; i++) {
          iteration.before?.();
          const started = performance.now();
          await iteration.run();
          times.push(performance.now() - started);
        }
        // Warm-up may allocate lasting state (optimizer moments); growth after that is a leak.
        const live = iteration.liveTensors?.();
        const grew = live !== undefined && liveAfterLastRun !== undefined && live > liveAfterLastRun;
        const note = grew ? `live tensors grew from ${liveAfterLastRun} to ${live}` : undefined;
        liveAfterLastRun = live;
        return { ok: true, times, note, work: iteration.work };
      }
      case 'teardown':
        iteration?.dispose();
        iteration = undefined;
        (globalThis as { gc?: () => void }).gc?.();
        return { ok: true };
    }
  }

  process.on('message', (request: Request) => {
    handle(request).then(
      (reply) => process.send?.(reply),
      (error: unknown) => process.send?.({ ok: false, error: message(error) } satisfies Reply),
    );
  });
  // The harness going away (or a killed parent) must not leave workers behind.
  process.on('disconnect', () => process.exit(0));
}

const system = process.argv[2] as SystemName | undefined;
if (system && process.send) serveWorker(system);
