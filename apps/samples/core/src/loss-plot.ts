// The loss curves of a run as LinePlot data: train and validation loss per epoch.

import type { EpochRecord } from './events.js';
import type { LinePlot } from './task.js';

export function lossPlot(task: string, history: readonly EpochRecord[]): LinePlot {
  return {
    name: 'loss',
    title: `${task}: loss per epoch`,
    x: { label: 'epoch', type: 'quantitative', integer: true },
    y: { label: 'loss' },
    points: history.flatMap((record) => [
      { series: 'train', x: record.epoch, y: record.trainLoss },
      { series: 'validation', x: record.epoch, y: record.validationLoss },
    ]),
  };
}
