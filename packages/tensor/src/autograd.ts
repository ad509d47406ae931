// Reverse-mode autograd. Each differentiable op attaches a Node {vjp, saved tensors, edges to
// its inputs}; `backward` walks the nodes in topological order with an explicit queue, so a
// graph 10,000+ ops deep (an unrolled RNN) cannot overflow the call stack.

import { DisposedError, GradError, ShapeError, ValueError, checkOptions, describeValue, fmtShape } from '@recur/backend';
import { engine } from './engine.js';
import { noGrad, scope, keep } from './scope.js';
import { Tensor } from './tensor.js';
import { sameShape } from './internal.js';
import { WindowGrad, accumulate, gradShape, toDense, type Gradient } from './window-grad.js';

/** Maps the gradient of an op's output to its inputs' gradients (null where none flows). */
export type VJP = (grad: Tensor) => readonly (Gradient | null | undefined)[];

type Edge = { readonly node: Node; readonly leaf?: undefined } | { readonly leaf: Tensor; readonly node?: undefined };

export class Node {
  /** Tensor handles and child nodes that reference this node. */
  refs = 0;
  freed = false;

  constructor(
    readonly name: string,
    readonly edges: readonly (Edge | null)[],
    readonly inputShapes: readonly (readonly number[])[],
    public vjp: VJP | null,
    public saved: Tensor[],
  ) {}

  /** Drop the saved tensors (after backward, or when nothing can reach the node). */
  freeSaved(): void {
    for (const t of this.saved) t.dispose();
    this.saved = [];
    this.vjp = null;
    this.freed = true;
  }
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

/** Record that `out` was computed from `inputs`; `vjp` maps d out to d inputs. */
export function attach(out: Tensor, name: string, inputs: readonly (Tensor | null)[], vjp: VJP, saved: Tensor[] = []): Tensor {
  const edges = inputs.map((t): Edge | null => {
    if (!t || !t.requiresGrad) return null;
    if (t.gradFn) {
      t.gradFn.refs++;
      return { node: t.gradFn };
    }
    return { leaf: t };
  });
  const node = new Node(name, edges, inputs.map((t) => (t ? t.shape : [])), vjp, saved);
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

export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run through it again. */
  readonly retainGraph?: boolean;
}

/** Accumulate d root / d leaf into every leaf's `.grad`. */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
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
  noGrad(() =>
    scope(() => {
      const seed = gradient ?? root.onesLike();
      const start = root.gradFn;
      if (!start) {
        accumulateLeaf(root, seed, false);
        return;
      }
      // Count, for each node, how many edges lead into it, so it runs after all its consumers.
      const pendingEdges = new Map<Node, number>();
      const stack = [start];
      const seen = new Set<Node>([start]);
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node.freed) {
          throw new GradError(
            `backward: the graph through '${node.name}' was freed by an earlier backward(); pass { retainGraph: true } to that call`,
          );
        }
        for (const edge of node.edges) {
          if (!edge?.node) continue;
          pendingEdges.set(edge.node, (pendingEdges.get(edge.node) ?? 0) + 1);
          if (!seen.has(edge.node)) {
            seen.add(edge.node);
            stack.push(edge.node);
          }
        }
      }
      const grads = new Map<Node, Tensor>([[start, seed]]);
      const ready = [start];
      while (ready.length > 0) {
        const node = ready.pop()!;
        const grad = grads.get(node);
        grads.delete(node);
        const raw = grad ? scope(() => node.vjp!(grad)) : [];
        // A VJP may pass its incoming gradient through, or one tensor to several inputs: give
        // each consumer its own handle so disposing one never frees another's memory.
        const used = new Set<Tensor>();
        const own = (t: Tensor): Tensor => {
          if (t === grad || used.has(t)) return t.alias();
          used.add(t);
          return t;
        };
        const inputGrads = raw.map((g): Gradient | null => {
          if (!g) return null;
          if (g instanceof WindowGrad) return g.values === grad || used.has(g.values) ? g.alias() : (used.add(g.values), g);
          return own(g);
        });
        if (grad && grad !== gradient) grad.dispose();
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
        if (!options.retainGraph) node.freeSaved();
      }
    }),
  );
}

export { Tensor };
