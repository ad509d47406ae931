// Writing a backend: a BackendV1 is a plain object — memory, about a dozen kernels, no autograd,
// no fused kernels needed. This one keeps CPU memory and kernels but implements `unary` itself
// (host loops over strided views), the first step of replacing kernels one by one under the
// conformance suite; without `fused`, LSTM layers take their composed path.

// #region example
import { cpu, createCpuBackend } from '@recur/backend-cpu';
import { UNARY_OPS, sizeOf, type BackendV1, type UnaryOp, type View } from '@recur/backend';
import { LSTM } from '@recur/cells';
import { randn, registerBackend, useBackend } from '@recur/tensor';

const math = Object.fromEntries(
  Object.entries(UNARY_OPS).map(([op, def]) => [op, new Function('x', `return ${def.js};`) as (x: number) => number]),
) as Record<UnaryOp, (x: number) => number>;

function createMyBackend(): BackendV1 & { unaryCalls(): number } {
  const host = createCpuBackend() as unknown as BackendV1; // memory (alloc/free/write/read) and the other kernels
  let unaryCalls = 0;
  const backend: BackendV1 & { unaryCalls(): number } = {
    ...host,
    name: 'mine',
    fused: undefined, // fused kernels are optional: layers fall back to composed ops
    unary(op: UnaryOp, x: View, out: View) {
      unaryCalls++;
      // Element i of a view lives at offset + Σ index_d · stride_d of its buffer.
      const input = host.readSync!(x.buffer);
      const output = host.readSync!(out.buffer);
      const n = sizeOf(out.shape);
      for (let i = 0; i < n; i++) {
        let [rest, from, to] = [i, x.offset, out.offset];
        for (let d = out.shape.length - 1; d >= 0; d--) {
          const index = rest % out.shape[d]!;
          rest = (rest - index) / out.shape[d]!;
          from += index * x.strides[d]!;
          to += index * out.strides[d]!;
        }
        output[to] = math[op](input[from]!);
      }
      host.write(out.buffer, output);
    },
    unaryCalls: () => unaryCalls,
  };
  return backend;
}

registerBackend(createMyBackend, { name: 'mine' });
const mine = (await useBackend('mine')) as ReturnType<typeof createMyBackend>;
const lstm = new LSTM({ inputSize: 3, hiddenSize: 4 });
const [output] = lstm.forward(randn([5, 2, 3]));
console.log(output.shape, mine.unaryCalls() > 0); // [5, 2, 4] true: σ and tanh ran on our kernel
// #endregion example
export const shape = output.shape;
export const unaryCalls = mine.unaryCalls();
// The other samples run on the stock CPU backend again.
registerBackend(cpu());
await useBackend('cpu');
