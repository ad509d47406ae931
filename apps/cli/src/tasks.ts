// The tasks the CLI knows. A new sample adds its package as a dependency and one entry here.

import { birthsTask } from '@recur/sample-births';
import { charlmTask } from '@recur/sample-charlm';
import type { Task } from '@recur/sample-core';
import { g2pTask } from '@recur/sample-g2p';
import { segmentTask } from '@recur/sample-segment';
import { spamTask } from '@recur/sample-spam';
import { streamTask } from '@recur/sample-stream';
import { UsageError } from './errors.js';

export const TASKS: readonly Task[] = [
  birthsTask as unknown as Task,
  spamTask as unknown as Task,
  charlmTask as unknown as Task,
  segmentTask as unknown as Task,
  g2pTask as unknown as Task,
  streamTask as unknown as Task,
];

/** Tasks announced in the issue tracker but not written yet, so their names get a clear answer. */
export const PLANNED_TASKS: Readonly<Record<string, string>> = {};

export function findTask(name: string): Task {
  const task = TASKS.find((t) => t.name === name);
  if (task) return task;
  const known = TASKS.map((t) => t.name).join(', ');
  if (Object.hasOwn(PLANNED_TASKS, name)) throw new UsageError(`task '${name}' is planned but not available yet (available: ${known})`);
  throw new UsageError(`unknown task '${name}' (available: ${known}; run 'recur tasks')`);
}
