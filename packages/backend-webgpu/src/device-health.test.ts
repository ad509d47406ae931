// DeviceHealth against a stand-in device (no GPU): loss rejects reads in flight and aborts their
// native operation, later calls throw BackendError, uncaptured errors are reported once.

import { BackendError } from '@recur/backend';
import { describe, expect, it } from 'vitest';
import { DeviceHealth } from './device-health.js';

function fakeDevice(): { device: GPUDevice; lose: (info: Partial<GPUDeviceLostInfo>) => void; fail: (message: string) => void } {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const listeners: ((event: Event) => void)[] = [];
  const device = {
    lost: new Promise<GPUDeviceLostInfo>((resolve) => (lose = resolve)),
    addEventListener: (_: string, listener: (event: Event) => void) => listeners.push(listener),
  } as unknown as GPUDevice;
  return {
    device,
    lose: (info) => lose({ reason: 'unknown', message: '', ...info } as GPUDeviceLostInfo),
    fail: (message) => listeners.forEach((listener) => listener({ error: { message } } as unknown as Event)),
  };
}

describe('DeviceHealth', () => {
  it('rejects a read in flight when the device is lost, after aborting it', async () => {
    const { device, lose } = fakeDevice();
    const health = new DeviceHealth(device);
    let aborted = false;
    const never = new Promise<never>(() => {});
    const read = health.guard('read', never, () => (aborted = true));
    lose({ reason: 'unknown', message: 'GPU removed' });
    await expect(read).rejects.toThrow(BackendError);
    await expect(read).rejects.toThrow(/device was lost \(unknown: GPU removed\)/);
    expect(aborted).toBe(true);
    expect(() => health.check('alloc')).toThrow(/alloc: the WebGPU device was lost/);
  });

  it('passes results through and turns native rejections into BackendError', async () => {
    const health = new DeviceHealth(fakeDevice().device);
    await expect(health.guard('read', Promise.resolve(5), () => {})).resolves.toBe(5);
    await expect(health.guard('read', Promise.reject(new Error('OperationError')), () => {})).rejects.toThrow(
      /read: WebGPU failed: OperationError/,
    );
  });

  it('reports an uncaptured WebGPU error once, at the next call', () => {
    const { device, fail } = fakeDevice();
    const health = new DeviceHealth(device);
    fail('invalid bind group');
    expect(() => health.check('read')).toThrow(/read: an earlier WebGPU command failed: invalid bind group/);
    expect(() => health.check('read')).not.toThrow();
  });

  it('throws after dispose', () => {
    const health = new DeviceHealth(fakeDevice().device);
    health.markDisposed();
    expect(() => health.check('write')).toThrow(/disposed/);
  });
});
