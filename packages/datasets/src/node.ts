// Node-only entry `@recur/datasets/node`: streaming CSV and JSONL readers over files, strings
// and streams (they use node:fs and node:stream, so browsers import the main entry only).

export { readCsv, readCsvAs, type CsvOptions, type CsvRecord, type RowContext } from './csv.js';
export { readJsonl, readJsonlAs, type JsonlOptions } from './jsonl.js';
export { openTextSource, type TextInput, type TextSource } from './text-source.js';
