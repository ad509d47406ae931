// summary(model, exampleInput): a torchinfo / Keras-style table — every module depth first
// with its type, the shape(s) of its output on the example input, and its own parameter count
// (trainable = requiresGrad). The forward runs once without gradients, inside a scope.

import { Tensor, ValueError, describeValue, noGrad, scope } from '@recur/tensor';

/** What summary needs of a model: @recur/cells' Module. */
export interface SummaryModule {
  namedModules(): [string, SummaryModule][];
  namedParameters(): [string, Tensor][];
  forward?: (...args: never[]) => unknown;
}

export interface SummaryRow {
  /** '' for the model itself, else the dotted module path (as in state-dict keys). */
  readonly name: string;
  readonly type: string;
  readonly depth: number;
  /** Output shape(s) of its (first) call, e.g. '[4, 10, 16]' or '[4, 10, 16], ([2, 4, 16], [2, 4, 16])'; '--' when it was not called. */
  readonly outputShape: string;
  /** Its own parameters (not its children's). */
  readonly params: number;
  readonly trainableParams: number;
}

export interface ModelSummary {
  readonly rows: readonly SummaryRow[];
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /** The table as text. */
  toString(): string;
}

function shapeOf(value: unknown, depth = 0): string {
  if (value instanceof Tensor) return `[${value.shape.join(', ')}]`;
  if (Array.isArray(value)) {
    const inner = value.map((v) => shapeOf(v, depth + 1)).filter((s) => s !== '');
    return depth === 0 ? inner.join(', ') : `(${inner.join(', ')})`;
  }
  if (value !== null && typeof value === 'object' && value.constructor === Object) return shapeOf(Object.values(value), depth);
  if (value !== null && typeof value === 'object' && (value as { data?: unknown }).data instanceof Tensor)
    return shapeOf((value as { data: Tensor }).data, depth);
  return '';
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function table(rows: readonly SummaryRow[], total: number, trainable: number): string {
  const cells = rows.map((r) => [
    `${'  '.repeat(r.depth)}${r.name === '' ? '(model)' : r.name.split('.').pop()} (${r.type})`,
    r.outputShape,
    r.params.toLocaleString('en-US'),
  ]);
  const head = ['Layer (type)', 'Output shape', 'Param #'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)) + 2);
  const line = (c: string[]) =>
    c
      .map((x, i) => pad(x, widths[i]!))
      .join('')
      .trimEnd();
  const rule = '='.repeat(widths.reduce((a, b) => a + b, 0));
  return [
    rule,
    line(head),
    rule,
    ...cells.map(line),
    rule,
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
    rule,
  ].join('\n');
}

/**
 * Run `model.forward` once on `exampleInput` (a tensor, or an array of forward's arguments)
 * and tabulate every module.
 */
export function summary(model: SummaryModule, exampleInput: Tensor | readonly unknown[]): ModelSummary {
  if (model === null || typeof model !== 'object' || typeof model.namedModules !== 'function' || typeof model.forward !== 'function') {
    throw new ValueError(`summary: expected a model (a Module with forward); got ${describeValue(model)}`);
  }
  if (!(exampleInput instanceof Tensor) && !Array.isArray(exampleInput)) {
    throw new ValueError(`summary: exampleInput must be a tensor or an array of forward's arguments; got ${describeValue(exampleInput)}`);
  }
  const modules = model.namedModules();
  const outputs = new Map<SummaryModule, string>();
  // Wrap each module's forward on the instance for one call, recording its output's shape.
  const wrapped: SummaryModule[] = [];
  for (const [, m] of modules) {
    const original = m.forward;
    if (typeof original !== 'function' || Object.prototype.hasOwnProperty.call(m, 'forward')) continue;
    wrapped.push(m);
    (m as { forward: unknown }).forward = function (this: SummaryModule, ...args: never[]) {
      const out = original.apply(this, args);
      if (!outputs.has(m)) outputs.set(m, shapeOf(out));
      return out;
    };
  }
  try {
    const args = exampleInput instanceof Tensor ? [exampleInput] : [...exampleInput];
    noGrad(() => scope(() => void (model.forward as (...a: unknown[]) => unknown)(...args)));
  } finally {
    for (const m of wrapped) delete (m as { forward?: unknown }).forward;
  }
  const rows: SummaryRow[] = modules.map(([name, m]) => {
    const own = m.namedParameters().filter(([key]) => !key.includes('.'));
    return {
      name,
      type: m.constructor.name,
      depth: name === '' ? 0 : name.split('.').length,
      outputShape: outputs.get(m) ?? '--',
      params: own.reduce((n, [, p]) => n + p.size, 0),
      trainableParams: own.reduce((n, [, p]) => n + (p.requiresGrad ? p.size : 0), 0),
    };
  });
  const totalParams = rows.reduce((n, r) => n + r.params, 0);
  const trainableParams = rows.reduce((n, r) => n + r.trainableParams, 0);
  return {
    rows,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    toString: () => table(rows, totalParams, trainableParams),
  };
}
