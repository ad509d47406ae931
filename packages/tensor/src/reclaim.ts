// Memory without ceremony: a FinalizationRegistry that frees what nobody can reach. Each tensor
// handle registers the state its cleanup needs (a `Cell`: its storage reference and its graph
// node, never the tensor itself); `dispose()` unregisters it, so only forgotten handles reach it.

import type { Node } from './autograd.js';
import type { Storage } from './storage.js';

/** What a collected tensor still holds: one storage reference and one reference to its graph node. */
export interface Cell {
  storage: Storage | null;
  gradFn: Node | null;
}

type Reclaim = (cell: Cell) => void;

/** How many handles the collector has reclaimed, and how many of those cleanups failed (a freed backend). */
export const reclaimStats = { reclaimed: 0, failed: 0 };

let reclaim: Reclaim = () => {};
const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Cell>((cell) => {
        // A throw here would be an uncaught exception in a later task: count it instead.
        try {
          reclaim(cell);
          reclaimStats.reclaimed++;
        } catch {
          reclaimStats.failed++;
        }
      })
    : null;

/** Set once by tensor.ts (it owns the counting and node release); kept here to avoid an import cycle. */
export function setReclaim(fn: Reclaim): void {
  reclaim = fn;
}

export function watch(t: object, cell: Cell): void {
  registry?.register(t, cell, t);
}

export function unwatch(t: object): void {
  registry?.unregister(t);
}

/** Milliseconds of reading between turns of the event loop. */
const TURN_MS = 20;
let lastTurn = 0;
const nextTask: (resolve: () => void) => void =
  typeof setImmediate === 'function' ? (resolve) => setImmediate(resolve) : (resolve) => setTimeout(resolve, 0);

/**
 * Let the event loop turn if it has not for TURN_MS. A read from a host-memory backend resolves at
 * once, so a loop that only awaits `loss.item()` would run microtasks forever and the registry's
 * cleanups (which run as tasks) would never free what it collected; a turn every 20 ms costs
 * well under 1% of the loop.
 */
export async function turnNowAndThen(): Promise<void> {
  const now = performance.now();
  if (now - lastTurn < TURN_MS) return;
  await new Promise<void>(nextTask);
  lastTurn = performance.now();
}
