// Tensor-level wrappers of the backends' fused single-step cell kernels (kernelOp), each with a
// VJP that calls the fused backward kernel. B batch, H hidden; the LSTM op returns one [B, 2H]
// tensor holding (h | c') so a single autograd node covers both outputs.

import { backendOf, empty, kernelOp, kernelView, type Tensor } from '@recur/tensor';
import { columns } from './scan-plan.js';

/** Whether the tensors' backend provides both kernels of a fused pair. */
export function hasFused(kind: 'lstm' | 'gru', t: Tensor): boolean {
  const fused = backendOf('fused', t).fused;
  return kind === 'lstm' ? !!(fused?.lstmCell && fused.lstmCellBackward) : !!(fused?.gruCell && fused.gruCellBackward);
}

/** LSTM pointwise step on pre-activations `gates` [B, 4H] and cell `c` [B, H] → (h | c') [B, 2H]. */
export function fusedLstmCell(gates: Tensor, c: Tensor): Tensor {
  const batch = gates.shape[0]!;
  const hidden = c.shape[1]!;
  return kernelOp('lstmCell', [gates, c], {
    forward: ({ backend, recording }) => {
      const state = empty([batch, 2 * hidden], 'float32', backend);
      const S = kernelView(state);
      const act = recording ? empty([batch, 4 * hidden], 'float32', backend) : null;
      backend.fused!.lstmCell!(
        kernelView(gates),
        kernelView(c),
        columns(S, 0, hidden),
        columns(S, hidden, hidden),
        act ? kernelView(act) : undefined,
      );
      if (!act) return { output: state };
      return { output: state, saved: [act, c, state] as const };
    },
    backward: (g, [act, cs, state], { backend }) => {
      const dGates = empty([batch, 4 * hidden], 'float32', backend);
      const dc = empty([batch, hidden], 'float32', backend);
      const G = kernelView(g);
      backend.fused!.lstmCellBackward!(
        kernelView(act),
        kernelView(cs),
        columns(kernelView(state), hidden, hidden),
        columns(G, 0, hidden),
        columns(G, hidden, hidden),
        kernelView(dGates),
        kernelView(dc),
      );
      return [dGates, dc];
    },
  });
}

/** GRU pointwise step on gx, gh [B, 3H] and state h [B, H] → h' [B, H]. */
export function fusedGruCell(gx: Tensor, gh: Tensor, h: Tensor): Tensor {
  const batch = h.shape[0]!;
  const hidden = h.shape[1]!;
  return kernelOp('gruCell', [gx, gh, h], {
    forward: ({ backend, recording }) => {
      const hNext = empty([batch, hidden], 'float32', backend);
      const act = recording ? empty([batch, 3 * hidden], 'float32', backend) : null;
      backend.fused!.gruCell!(kernelView(gx), kernelView(gh), kernelView(h), kernelView(hNext), act ? kernelView(act) : undefined);
      if (!act) return { output: hNext };
      return { output: hNext, saved: [act, gh, h] as const };
    },
    backward: (g, [act, ghs, hs], { backend }) => {
      const dgx = empty([batch, 3 * hidden], 'float32', backend);
      const dgh = empty([batch, 3 * hidden], 'float32', backend);
      const dh = empty([batch, hidden], 'float32', backend);
      backend.fused!.gruCellBackward!(
        kernelView(act),
        kernelView(ghs),
        kernelView(hs),
        kernelView(g),
        kernelView(dgx),
        kernelView(dgh),
        kernelView(dh),
      );
      return [dgx, dgh, dh];
    },
  });
}
