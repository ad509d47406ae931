// @recur/sample-births: the `births` task (LSTM forecasting of CDC daily births against
// seasonal-naive) for the `recur` CLI, and its parts for use as a code example.

export { birthsTask } from './births-task.js';
export { BIRTHS_DEFAULTS, BIRTHS_QUICK, type BirthsConfig } from './births-config.js';
export { BirthsModel, type BirthsModelOptions } from './births-model.js';
export { BirthsRun, horizonMetrics, nextDayMetrics, type Forecast } from './births-run.js';
export { buildSeries, collate, windowsOver, STEP_FEATURES, SEASON, type Series, type SeriesWindow, type Standardizer } from './births-data.js';
export { dayOfWeek, holidayFlags, holidaysOf } from './calendar.js';
export { parseSeriesInput, type SeriesInput } from './births-predict.js';
