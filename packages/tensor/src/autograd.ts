// Reverse-mode autograd. Each differentiable op records one Node: its edges to the inputs, the
// tensors its VJP reads (passed once, kept alive and freed by the engine) and the VJP itself.
// `backward` walks the nodes in topological order with explicit stacks, so a graph 10,000+ ops
// deep (an unrolled RNN) cannot overflow the call stack.

import { DisposedError, GradError, ShapeError, ValueError, checkOptions, describeValue, fmtShape } from '@recur/backend';
import { engine } from './engine.js';
import { noGrad, scope, keep } from './scope.js';
import { Tensor } from './tensor.js';
import { sameShape } from './internal.js';
import { WindowGrad, accumulate, gradShape, toDense, type Gradient } from './window-grad.js';

/** The tensors an op's VJP reads: a record by name (`{ a, b }`) or a tuple (`[x, w]`). */
export type SavedTensors = Readonly<Record<string, Tensor>> | readonly Tensor[];

/**
 * Maps the gradient of an op's output to its inputs' gradients (null where none flows). It is
 * handed the op's saved tensors: the engine's aliases of them, alive exactly as long as the node.
 */
export type VJP<S extends SavedTensors = SavedTensors> = (grad: Tensor, saved: S) => readonly (Gradient | null | undefined)[];

/** How an op is recorded: what its VJP reads (`save`, passed once) and the VJP. */
export interface OpRecord<S extends SavedTensors> {
  /** Tensors the VJP reads. The engine aliases them for the graph and frees them with it. */
  readonly save?: S;
  readonly vjp: VJP<S>;
}

type Edge = { readonly node: Node; readonly leaf?: undefined } | { readonly leaf: Tensor; readonly node?: undefined };

export class Node {
  /** Tensor handles and child nodes that reference this node. */
  refs = 0;
  freed = false;

  constructor(
    readonly name: string,
    readonly edges: readonly (Edge | null)[],
    readonly inputShapes: readonly (readonly number[])[],
    /** The op's VJP bound to the node's saved aliases. */
    private vjp: ((grad: Tensor) => readonly (Gradient | null | undefined)[]) | null,
    private saved: readonly Tensor[],
  ) {}

  /** Runs the VJP; throws when the node's saved tensors were already freed. */
  runVjp(grad: Tensor): readonly (Gradient | null | undefined)[] {
    if (!this.vjp) throw freedError(this);
    return this.vjp(grad);
  }

  /** Drop the saved tensors (after backward, or when nothing can reach the node). */
  freeSaved(): void {
    for (const t of this.saved) t.dispose();
    this.saved = [];
    this.vjp = null;
    this.freed = true;
  }
}

function freedError(node: Node): GradError {
  return new GradError(
    `backward: the graph through '${node.name}' was freed by an earlier backward(); pass { retainGraph: true } to that call`,
  );
}

/** True when an op on these inputs must record a node. */
export function needsGrad(...inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!engine.gradEnabled) return false;
  for (const t of inputs) if (t?.requiresGrad) return true;
  return false;
}

/** Keep a tensor's values alive for a backward pass (an internal alias, outside every scope). */
export function save(t: Tensor): Tensor {
  return t.alias();
}

/** Aliases every saved tensor, keeping the record's shape (tuple or named). */
function aliasSaved<S extends SavedTensors>(saved: S): { readonly aliases: S; readonly list: readonly Tensor[] } {
  if (Array.isArray(saved)) {
    const list = (saved as readonly Tensor[]).map(save);
    return { aliases: list as unknown as S, list };
  }
  const entries = Object.entries(saved as Readonly<Record<string, Tensor>>).map(([key, t]) => [key, save(t)] as const);
  return { aliases: Object.fromEntries(entries) as unknown as S, list: entries.map(([, t]) => t) };
}

/**
 * Record that `out` was computed from `inputs` (null for an absent optional input). The record's
 * `save` tensors are aliased here, handed to `vjp` as its second argument and freed with the node,
 * so a VJP reads only what its op saved and nothing saved can leak.
 */
export function attach<S extends SavedTensors = readonly []>(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null)[],
  record: OpRecord<S>,
): Tensor {
  if (typeof record !== 'object' || record === null || typeof record.vjp !== 'function') {
    throw new ValueError(`attach: expected a record { save?, vjp } for '${name}'; got ${describeValue(record)}`);
  }
  const edges = inputs.map((t): Edge | null => {
    if (!t || !t.requiresGrad) return null;
    if (t.gradFn) {
      t.gradFn.refs++;
      return { node: t.gradFn };
    }
    return { leaf: t };
  });
  const { aliases, list } = aliasSaved(record.save ?? ([] as unknown as S));
  const vjp = record.vjp;
  const node = new Node(
    name,
    edges,
    inputs.map((t) => (t ? t.shape : [])),
    (grad) => vjp(grad, aliases),
    list,
  );
  node.refs = 1;
  out.gradFn = node;
  out.markRequiresGrad();
  return out;
}

/** Release one reference to a node; nodes nothing can reach free their saved tensors. */
export function releaseNode(start: Node): void {
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (--node.refs > 0) continue;
    node.freeSaved();
    for (const edge of node.edges) if (edge?.node) stack.push(edge.node);
  }
}

export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run through it again. */
  readonly retainGraph?: boolean;
}

/** Accumulate d root / d leaf into every leaf's `.grad`. */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  checkBackwardArguments(root, gradient, options);
  noGrad(() =>
    scope(() => {
      const seed = gradient ?? root.onesLike();
      const start = root.gradFn;
      if (!start) {
        accumulateLeaf(root, seed, false);
        return;
      }
      walk(start, seed, gradient ?? null, options.retainGraph ?? false);
    }),
  );
}

function checkBackwardArguments(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void {
  if (!(root instanceof Tensor)) throw new ValueError(`backward: expected a Tensor; got ${describeValue(root)}`);
  checkOptions('backward', options, ['retainGraph']);
  if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) {
    throw new ValueError(`backward: gradient must be a Tensor shaped like the output; got ${describeValue(gradient)}`);
  }
  if (root.isDisposed) throw new DisposedError('backward: called on a disposed tensor');
  if (!root.requiresGrad) {
    throw new GradError('backward: the tensor does not require grad (no input on its path has requiresGrad)');
  }
  if (gradient && !sameShape(gradient.shape, root.shape)) {
    throw new ShapeError(`backward: gradient shape ${fmtShape(gradient.shape)} differs from the tensor's ${fmtShape(root.shape)}`);
  }
  if (!gradient && root.size !== 1) {
    throw new GradError(
      `backward: a gradient can be implied only for a tensor of one element; got shape ${fmtShape(root.shape)} — pass one, or reduce first (e.g. sum())`,
    );
  }
}

/**
 * Collects the graph below `start` (iteratively) and counts, for each node, the edges that lead
 * into it: a node runs only once every consumer has handed it its gradient (topological order).
 */
function countConsumers(start: Node): Map<Node, number> {
  const pendingEdges = new Map<Node, number>();
  const stack = [start];
  const seen = new Set<Node>([start]);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.freed) throw freedError(node);
    for (const edge of node.edges) {
      if (!edge?.node) continue;
      pendingEdges.set(edge.node, (pendingEdges.get(edge.node) ?? 0) + 1);
      if (!seen.has(edge.node)) {
        seen.add(edge.node);
        stack.push(edge.node);
      }
    }
  }
  return pendingEdges;
}

/** Runs every node from `start` (seeded with `seed`) down to the leaves, in topological order. */
function walk(start: Node, seed: Tensor, callerGradient: Tensor | null, retainGraph: boolean): void {
  const pendingEdges = countConsumers(start);
  const grads = new Map<Node, Tensor>([[start, seed]]);
  const ready = [start];
  while (ready.length > 0) {
    const node = ready.pop()!;
    const grad = grads.get(node);
    grads.delete(node);
    const inputGrads = grad
      ? ownGradients(
          scope(() => node.runVjp(grad)),
          grad,
        )
      : [];
    // The caller's gradient belongs to the caller; every other incoming gradient is spent here.
    if (grad && grad !== callerGradient) grad.dispose();
    node.edges.forEach((edge, i) => {
      const g = inputGrads[i] ?? null;
      if (g && !sameShape(gradShape(g), node.inputShapes[i]!)) {
        throw new ShapeError(
          `backward: '${node.name}' produced a gradient of shape ${fmtShape(gradShape(g))} for an input of shape ${fmtShape(node.inputShapes[i]!)}`,
        );
      }
      if (!edge) {
        (g instanceof WindowGrad ? g.values : g)?.dispose();
        return;
      }
      if (edge.leaf) {
        if (g) accumulateLeaf(edge.leaf, toDense(g), true);
        return;
      }
      const child = edge.node;
      if (g) {
        const previous = grads.get(child);
        grads.set(child, previous ? accumulate(previous, g) : toDense(g));
      }
      const left = pendingEdges.get(child)! - 1;
      pendingEdges.set(child, left);
      if (left === 0) ready.push(child);
    });
    if (!retainGraph) node.freeSaved();
  }
}

/**
 * A VJP may pass its incoming gradient through, or one tensor to several inputs: give each
 * consumer its own handle so disposing one never frees another's memory.
 */
function ownGradients(raw: readonly (Gradient | null | undefined)[], incoming: Tensor): (Gradient | null)[] {
  const used = new Set<Tensor>();
  return raw.map((g): Gradient | null => {
    if (!g) return null;
    const values = g instanceof WindowGrad ? g.values : g;
    if (values === incoming || used.has(values)) return g.alias();
    used.add(values);
    return g;
  });
}

/** Adds a gradient into a leaf's `.grad` (taking ownership of `grad` when `owned`). */
function accumulateLeaf(leaf: Tensor, grad: Tensor, owned: boolean): void {
  if (leaf.isDisposed) {
    if (owned) grad.dispose();
    return;
  }
  if (leaf.grad) {
    const sum = leaf.grad.add(grad);
    leaf.grad.dispose();
    if (owned) grad.dispose();
    leaf.grad = keep(sum);
  } else {
    // Take ownership only of a dense tensor; a view would pin a larger upstream buffer.
    leaf.grad = keep(owned && grad.isDenseOwner ? grad : grad.clone());
    if (owned && leaf.grad !== grad) grad.dispose();
  }
}

export { Tensor };
