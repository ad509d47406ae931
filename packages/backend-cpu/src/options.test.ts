// The backend's options from plain JavaScript: a misspelt key is a ValueError, not ignored.

import { ValueError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { cpu, createCpuBackend } from './backend.js';

describe('cpu options', () => {
  it('reject unknown keys', () => {
    expect(() => cpu({ thread: 2 } as never)).toThrow(ValueError);
    expect(() => cpu({ thread: 2 } as never)).toThrow(/cpu: unknown option 'thread' \(did you mean 'threads'\?\)/);
    expect(() => createCpuBackend({ wasm: false } as never)).toThrow(/createCpuBackend: unknown option 'wasm'/);
    expect(cpu({ simd: false }).name).toBe('cpu');
  });
});
