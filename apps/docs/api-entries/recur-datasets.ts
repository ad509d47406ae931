/**
 * Datasets of plain records, `DataLoader` with seeded shuffling and padding collate, CSV/JSONL readers, time-series windows, splits and scalers.
 *
 * @packageDocumentation
 * @module @recur/datasets
 */

export * from '@recur/datasets';
