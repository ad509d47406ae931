// The backend's options from plain JavaScript: a misspelt key is a ValueError at the call,
// before any adapter is requested (so this runs without a GPU).

import { ValueError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { createWebGPUBackend, webgpu } from './backend.js';

describe('webgpu options', () => {
  it('reject unknown keys, also inside limits', async () => {
    expect(() => webgpu({ powerPref: 'low-power' } as never)).toThrow(ValueError);
    expect(() => webgpu({ powerPref: 'low-power' } as never)).toThrow(
      /webgpu: unknown option 'powerPref' \(did you mean 'powerPreference'\?\)/,
    );
    await expect(createWebGPUBackend({ limits: { maxWorkgroups: 4 } } as never)).rejects.toThrow(/limits: unknown option 'maxWorkgroups'/);
    expect(webgpu({ powerPreference: 'low-power' }).name).toBe('webgpu');
  });
});
