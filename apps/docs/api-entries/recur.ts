/**
 * The umbrella package: every `@recur/*` package re-exported (metrics, tokenizers and datasets as namespaces) and `createDefault()`, which registers the CPU backend and WebGPU when an adapter exists. Only `createDefault` and its types are listed here; everything else is documented in its own package.
 *
 * @packageDocumentation
 * @module recurjs
 */

export { createDefault, type DefaultOptions, type DefaultSetup } from 'recurjs';
