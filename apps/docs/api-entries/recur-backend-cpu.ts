/**
 * The reference CPU backend: `registerBackend(cpu())`.
 *
 * @packageDocumentation
 * @module @recur/backend-cpu
 */

export * from '@recur/backend-cpu';
