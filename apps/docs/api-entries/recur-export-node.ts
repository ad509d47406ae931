/**
 * Model files on disk (entry `@recur/export/node`).
 *
 * @packageDocumentation
 * @module @recur/export/node
 */

export * from '@recur/export/node';
