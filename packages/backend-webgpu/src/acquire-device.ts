// Finding a GPUDevice: the caller's device or adapter, else navigator.gpu (browsers, or Node
// where someone installed it), else the `webgpu` npm package (Dawn) loaded on demand in Node.
// The device is requested with the adapter's largest buffer limits, since kernels bind whole buffers,
// and its largest workgroup memory and storage-binding count (the whole-sequence recurrent kernels).

import { BackendError } from '@recur/backend';

export interface AcquireOptions {
  /** Use this device; the backend never destroys a device it was given. */
  readonly device?: GPUDevice;
  /** Request the device from this adapter. */
  readonly adapter?: GPUAdapter;
  readonly powerPreference?: GPUPowerPreference;
  /** The GPU entry point to ask for an adapter instead of navigator.gpu or the `webgpu` package. */
  readonly gpu?: GPU;
}

export interface AcquiredDevice {
  readonly device: GPUDevice;
  /** Whether the backend created the device (and so destroys it on dispose). */
  readonly ownsDevice: boolean;
  /** Kept referenced so Dawn's instance lives as long as the backend. */
  readonly gpu?: GPU;
}

interface NodeWebGPU {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

/** The `webgpu` package's GPU; installs its globals (GPUBufferUsage, …) that are not defined yet. */
async function nodeGpu(): Promise<GPU> {
  // A variable specifier keeps bundlers (Vite, esbuild) from resolving the Node-only package.
  const specifier = 'webgpu';
  let module: NodeWebGPU;
  try {
    module = (await import(/* @vite-ignore */ specifier)) as NodeWebGPU;
  } catch (error) {
    throw new BackendError(
      `webgpu: in Node the backend needs the optional peer dependency 'webgpu' (npm i webgpu): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  for (const [name, value] of Object.entries(module.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  return module.create([]);
}

async function findGpu(options: AcquireOptions): Promise<GPU> {
  if (options.gpu) return options.gpu;
  const navigatorGpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (navigatorGpu) return navigatorGpu;
  if (isNode()) return nodeGpu();
  throw new BackendError('webgpu: this environment has no WebGPU (navigator.gpu is undefined); use a browser with WebGPU enabled');
}

async function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
    // The whole-sequence recurrent kernels keep rows in workgroup memory and bind up to 9 buffers.
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
  };
  try {
    // Timestamp queries only serve profiling (WebGPUBackend.timing); a device without them works the same.
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    return await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'recur' });
  } catch (error) {
    throw new BackendError(`webgpu: requestDevice failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function acquireDevice(options: AcquireOptions): Promise<AcquiredDevice> {
  if (options.device) return { device: options.device, ownsDevice: false };
  if (options.adapter) return { device: await requestDevice(options.adapter), ownsDevice: true };
  const gpu = await findGpu(options);
  const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  if (!adapter) {
    const hint = isNode()
      ? ' In Node, Dawn needs a Vulkan driver: install chromium and libvulkan1 and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for SwiftShader.'
      : ' The browser may have WebGPU disabled or blocklisted for this GPU.';
    throw new BackendError(`webgpu: no GPU adapter is available (requestAdapter returned null).${hint}`);
  }
  return { device: await requestDevice(adapter), ownsDevice: true, gpu };
}
