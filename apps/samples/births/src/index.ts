// @recur/sample-births: the `births` task (LSTM forecasting of CDC daily births against
// seasonal-naive and ridge regression) for the `recur` CLI, and its parts for use as a code example.

export { birthsTask } from './births-task.js';
export { BIRTHS_DEFAULTS, BIRTHS_QUICK, type BirthsConfig } from './births-config.js';
export { BirthsMember, BirthsModel, type BirthsModelOptions } from './births-model.js';
export { fitRidge, predictRidge, type RidgeModel } from './ridge.js';
export { RIDGE_LAMBDAS, fitRidgeBaseline, ridgeFeatures, ridgeForecast } from './births-ridge.js';
export { targetCalendarSize, writeTargetCalendar } from './target-calendar.js';
export { BirthsRun, horizonMetrics, nextDayMetrics, type Forecast } from './births-run.js';
export {
  buildSeries,
  collate,
  highwaySize,
  windowsOver,
  writeHighway,
  STEP_FEATURES,
  SEASON,
  type Series,
  type SeriesWindow,
  type Standardizer,
} from './births-data.js';
export { dayOfWeek, holidayFlags, holidaysOf } from './calendar.js';
export { parseSeriesInput, type SeriesInput } from './births-predict.js';
export { exportBirthsOnnx } from './births-onnx.js';
