// The backend registry: `registerBackend(cpu())`, `await useBackend('webgpu')`, `getBackend()`.
// Importing any package registers nothing; the user (or the umbrella) registers plugins.

import { BackendError, checkOptions, type BackendPlugin, type BackendV1 } from '@recur/backend';

interface Entry {
  readonly plugin: BackendPlugin;
  readonly priority: number;
}

interface RegistryState {
  readonly entries: Map<string, Entry>;
  readonly instances: Map<string, BackendV1>;
  // Creations in flight (async factories), so two callers share one device.
  readonly pending: Map<string, Promise<BackendV1>>;
  active: BackendV1 | null;
  // The key each created instance was registered under (its `name` may differ: the CPU backend
  // registered a second time as 'cpu2', or two instances with other options). Optional: a state
  // made by an older copy of this module lacks it until a newer copy adds it.
  keys?: WeakMap<BackendV1, string>;
  // How many copies of this module share the state (more than one: a duplicated install).
  copies: number;
}

// One registry per JavaScript realm, shared by every copy of @recur/tensor a duplicated install
// loads (Symbol.for keys are global), so a backend registered through one copy serves them all
// instead of the other copy reporting "no backend is in use".
const KEY = Symbol.for('@recur/tensor/registry@1');
const realm = globalThis as { [KEY]?: RegistryState };
const state: RegistryState = (realm[KEY] ??= { entries: new Map(), instances: new Map(), pending: new Map(), active: null, copies: 0 });
state.copies++;
const { entries, instances, pending } = state;
const keys = (state.keys ??= new WeakMap());

/** @internal How many copies of @recur/tensor are loaded in this realm (1 unless the install is duplicated). */
export function loadedCopies(): number {
  return state.copies;
}

function validate(backend: BackendV1, name: string): BackendV1 {
  const version = (backend as { specificationVersion?: unknown }).specificationVersion;
  if (version !== 'v1') {
    throw new BackendError(`registerBackend: backend '${name}' implements specification ${JSON.stringify(version)}, expected 'v1'`);
  }
  // The first key wins when one instance is registered under two.
  if (!keys.has(backend)) keys.set(backend, name);
  return backend;
}

/**
 * What a backend instance is called in tensors, `memory()` and messages: the key it was registered
 * under (so `findBackend(t.backend)` and `t.to(t.backend)` find this very instance), or its own
 * `name` for an instance that never went through the registry.
 */
export function backendKey(backend: BackendV1): string {
  return keys.get(backend) ?? backend.name;
}

/**
 * Register a backend plugin (or a bare factory with `options.name`). A later registration under
 * the same name replaces the earlier one. Higher `priority` wins when no backend is chosen.
 */
export function registerBackend(
  plugin: BackendPlugin | (() => BackendV1 | Promise<BackendV1>),
  options: { name?: string; priority?: number } = {},
): void {
  checkOptions('registerBackend', options, ['name', 'priority']);
  const normalized: BackendPlugin =
    typeof plugin === 'function' ? { name: options.name ?? '', create: plugin, priority: options.priority } : plugin;
  const name = options.name ?? normalized.name;
  if (!name) throw new BackendError('registerBackend: a bare factory needs options.name');
  entries.set(name, { plugin: normalized, priority: options.priority ?? normalized.priority ?? 0 });
  const old = instances.get(name);
  if (old && old !== state.active) {
    instances.delete(name);
  }
}

/** Names of registered backends, highest priority first. */
export function listBackends(): string[] {
  return [...entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
}

function lookup(name: string): Entry {
  const entry = entries.get(name);
  if (!entry) {
    const known = listBackends();
    throw new BackendError(
      `useBackend: no backend named '${name}' is registered (registered: ${known.length ? known.join(', ') : 'none'})`,
    );
  }
  return entry;
}

/** Create (once) and activate the named backend; new tensors are made on it from now on. */
export async function useBackend(name: string): Promise<BackendV1> {
  const backend = await loadBackend(name);
  state.active = backend;
  return backend;
}

/**
 * Create (once) the named backend without activating it: what `tensor.to('webgpu')` uses, so
 * moving a tensor does not change where new tensors are made.
 */
export async function loadBackend(name: string): Promise<BackendV1> {
  let backend = instances.get(name);
  if (!backend) {
    let creating = pending.get(name);
    if (!creating) {
      const entry = lookup(name);
      creating = Promise.resolve(entry.plugin.create()).then((made) => validate(made, name));
      pending.set(name, creating);
    }
    try {
      backend = await creating;
    } finally {
      pending.delete(name);
    }
    instances.set(name, backend);
  }
  return backend;
}

/** The instance of a backend that was already created, for synchronous use. */
export function findBackend(name: string): BackendV1 | undefined {
  return instances.get(name);
}

/**
 * The active backend. If none was chosen, the highest-priority registered backend whose
 * factory is synchronous (the CPU backend) is created and activated.
 */
export function getBackend(): BackendV1 {
  if (state.active) return state.active;
  for (const name of listBackends()) {
    const existing = instances.get(name);
    if (existing) {
      state.active = existing;
      return existing;
    }
    if (pending.has(name)) continue;
    const made = entries.get(name)!.plugin.create();
    if (made instanceof Promise) {
      // An async backend (a GPU adapter) cannot serve this synchronous call; let it finish
      // so a later `useBackend(name)` reuses it, and try the next one.
      const creating = made.then((b) => validate(b, name));
      pending.set(name, creating);
      creating.then(
        (b) => {
          pending.delete(name);
          instances.set(name, b);
        },
        () => pending.delete(name),
      );
      continue;
    }
    const created = validate(made, name);
    state.active = created;
    instances.set(name, created);
    return created;
  }
  throw new BackendError(
    "getBackend: no backend is in use: register one, e.g. registerBackend(cpu()) from '@recur/backend-cpu', then await useBackend('cpu')",
  );
}

/** Forget every registration and instance (tests). Disposes created backends. */
export function resetBackends(): void {
  for (const backend of instances.values()) backend.dispose?.();
  instances.clear();
  pending.clear();
  entries.clear();
  state.active = null;
}
