// fit's progress events as the demo page's events (the charts' steps, losses and per-epoch
// validation; the page counts epochs from 1), for the page's fitInWorker and for the tests.

import type { ProgressEvent } from '@recur/train';
import type { DemoEvent } from './protocol.js';

/** The page's event for `event`, or null for the end (fitInWorker's promise says that); `validation` names the log shown. */
export function demoEvent(event: ProgressEvent, validation: string): DemoEvent | null {
  if (event.type === 'batch') return { type: 'step', step: event.step, epoch: event.epoch + 1, loss: event.loss };
  if (event.type === 'epoch') {
    const { loss, lr } = event.logs;
    return { type: 'epoch', epoch: event.epoch + 1, trainLoss: loss ?? NaN, validation: event.logs[validation] ?? NaN, lr: lr ?? NaN };
  }
  return null;
}
