// The `stream` task: CDC daily US births (1969–1988) fed to an LSTM one day at a time, each day
// forecast before it arrives and then learned from (truncated BPTT), against seasonal-naive.

import { StandardScaler } from '@recur/datasets';
import { loadBirths } from '@recur/datasets/corpora/births';
import type { Task } from '@recur/sample-core';
import { STREAM_DEFAULTS, STREAM_QUICK, checkStreamConfig, type StreamConfig } from './stream-config.js';
import { standardize, type Standardizer } from './stream-data.js';
import { StreamRun } from './stream-run.js';

function isStandardizer(value: unknown): value is Standardizer {
  const s = value as Standardizer | null;
  return s !== null && typeof s === 'object' && Number.isFinite(s.mean) && Number.isFinite(s.std) && s.std > 0;
}

export const streamTask: Task<StreamConfig> = {
  name: 'stream',
  description: 'Daily US births (CDC 1969–1988) one day at a time: LSTM forecasts, then learns online (TBPTT) vs seasonal-naive; MAE',
  defaultConfig: STREAM_DEFAULTS,
  quickConfig: STREAM_QUICK,
  metric: { name: 'mae', higherIsBetter: false },
  predictHelp: 'daily values "n1 n2 …" (at least 7), the next one is forecast; none: the day after 1988 (or use recur stream)',
  checkConfig: checkStreamConfig,

  async create(config, options = {}) {
    const births = await loadBirths();
    const trainDays = births.train.length;
    // The scaler sees the training years only; a checkpoint carries the statistics it was trained with.
    let scale: Standardizer;
    if (isStandardizer(options.state)) scale = options.state;
    else {
      const scaler = new StandardScaler().fit(births.train.map((day) => day.births));
      scale = { mean: scaler.mean![0]!, std: scaler.std![0]! };
    }
    const values = Float64Array.from(births.all, (day) => day.births);
    const firstYear = births.train[trainDays - 1]!.year - config.trainYears + 1;
    return new StreamRun(
      config,
      {
        dates: births.all.map((day) => day.date),
        births: values,
        z: standardize(values, scale),
        trainFrom: config.trainYears > 0 ? births.train.findIndex((day) => day.year >= firstYear) : 0,
        validationFrom: trainDays,
        testFrom: trainDays + births.validation.length,
      },
      scale,
    );
  },
};
