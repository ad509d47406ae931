// The `births` task: forecast CDC daily US births (1969–1988) with an LSTM over sliding
// windows, scaled by statistics of the training years only, against seasonal-naive.

import { StandardScaler } from '@recur/datasets';
import { loadBirths } from '@recur/datasets/corpora/births';
import type { Task } from '@recur/sample-core';
import { BIRTHS_DEFAULTS, BIRTHS_QUICK, checkBirthsConfig, type BirthsConfig } from './births-config.js';
import { buildSeries, windowsOver, type Standardizer } from './births-data.js';
import { BirthsRun } from './births-run.js';

function isStandardizer(value: unknown): value is Standardizer {
  const s = value as Standardizer | null;
  return s !== null && typeof s === 'object' && Number.isFinite(s.mean) && Number.isFinite(s.std) && s.std > 0;
}

export const birthsTask: Task<BirthsConfig> = {
  name: 'births',
  description: 'Forecast daily US births (CDC 1969–1988): LSTM over 28-day windows vs seasonal-naive; MAE/RMSE/MAPE',
  defaultConfig: BIRTHS_DEFAULTS,
  quickConfig: BIRTHS_QUICK,
  metric: { name: 'mae', higherIsBetter: false },
  predictHelp: 'daily births ending on a date, "YYYY-MM-DD n1 n2 …" (at least lookback numbers); none: the week after 1988',
  checkConfig: checkBirthsConfig,

  async create(config, options = {}) {
    const births = await loadBirths();
    const trainDays = births.train.length;
    const validationDays = births.validation.length;
    // The scaler sees the training years only; a checkpoint carries the statistics it was trained with.
    let scale: Standardizer;
    if (isStandardizer(options.state)) scale = options.state;
    else {
      const scaler = new StandardScaler().fit(births.train.map((day) => day.births));
      scale = { mean: scaler.mean![0]!, std: scaler.std![0]! };
    }
    const series = buildSeries(births.all, scale);
    const firstYear = births.train[trainDays - 1]!.year - config.trainYears + 1;
    const trainFrom = config.trainYears > 0 ? births.train.findIndex((day) => day.year >= firstYear) : 0;
    const { lookback, horizon } = config;
    return new BirthsRun(
      config,
      {
        series,
        // Training windows start inside the chosen years; none reads a validation day.
        train: windowsOver(series, trainFrom + lookback, trainDays, lookback, horizon),
        validation: windowsOver(series, trainDays, trainDays + validationDays, lookback, horizon),
        test: windowsOver(series, trainDays + validationDays, series.dates.length, lookback, horizon),
      },
      scale,
    );
  },
};
