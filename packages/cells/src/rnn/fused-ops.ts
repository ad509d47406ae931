// Tensor-level wrappers of the backends' fused cell kernels, each with a VJP that calls the
// fused backward kernel. B batch, H hidden; the LSTM op returns one [B, 2H] tensor holding
// (h | c') so a single autograd node covers both outputs.

import { attach, backendOf, empty, kernelView, needsGrad, save, type Tensor } from '@recur/tensor';
import type { View } from '@recur/backend';

/** The columns [start, start + width) of a 2-D view. */
function columns(view: View, start: number, width: number): View {
  return { ...view, shape: [view.shape[0]!, width], offset: view.offset + start * view.strides[1]! };
}

/** Whether the tensors' backend provides both kernels of a fused pair. */
export function hasFused(kind: 'lstm' | 'gru', t: Tensor): boolean {
  const fused = backendOf('fused', t).fused;
  return kind === 'lstm' ? !!(fused?.lstmCell && fused.lstmCellBackward) : !!(fused?.gruCell && fused.gruCellBackward);
}

/** LSTM pointwise step on pre-activations `gates` [B, 4H] and cell `c` [B, H] → (h | c') [B, 2H]. */
export function fusedLstmCell(gates: Tensor, c: Tensor): Tensor {
  const backend = backendOf('lstmCell', gates, c);
  const fused = backend.fused!;
  const batch = gates.shape[0]!;
  const hidden = c.shape[1]!;
  const state = empty([batch, 2 * hidden], 'float32', backend);
  const stateView = kernelView(state);
  const grad = needsGrad(gates, c);
  const act = grad ? empty([batch, 4 * hidden], 'float32', backend) : null;
  fused.lstmCell!(
    kernelView(gates),
    kernelView(c),
    columns(stateView, 0, hidden),
    columns(stateView, hidden, hidden),
    act ? kernelView(act) : undefined,
  );
  if (!act) return state;
  // Saved aliases live with the graph; the handles made here may be freed by a caller's scope.
  const acts = save(act);
  const cs = save(c);
  const states = save(state);
  attach(state, 'lstmCell', [gates, c], (g) => {
    const dGates = empty([batch, 4 * hidden], 'float32', backend);
    const dc = empty([batch, hidden], 'float32', backend);
    const gView = kernelView(g);
    fused.lstmCellBackward!(
      kernelView(acts),
      kernelView(cs),
      columns(kernelView(states), hidden, hidden),
      columns(gView, 0, hidden),
      columns(gView, hidden, hidden),
      kernelView(dGates),
      kernelView(dc),
    );
    return [dGates, dc];
  }, [acts, cs, states]);
  return state;
}

/** GRU pointwise step on gx, gh [B, 3H] and state h [B, H] → h' [B, H]. */
export function fusedGruCell(gx: Tensor, gh: Tensor, h: Tensor): Tensor {
  const backend = backendOf('gruCell', gx, gh, h);
  const fused = backend.fused!;
  const batch = h.shape[0]!;
  const hidden = h.shape[1]!;
  const hNext = empty([batch, hidden], 'float32', backend);
  const grad = needsGrad(gx, gh, h);
  const act = grad ? empty([batch, 3 * hidden], 'float32', backend) : null;
  fused.gruCell!(kernelView(gx), kernelView(gh), kernelView(h), kernelView(hNext), act ? kernelView(act) : undefined);
  if (!act) return hNext;
  const acts = save(act);
  const ghs = save(gh);
  const hs = save(h);
  attach(hNext, 'gruCell', [gx, gh, h], (g) => {
    const dgx = empty([batch, 3 * hidden], 'float32', backend);
    const dgh = empty([batch, 3 * hidden], 'float32', backend);
    const dh = empty([batch, hidden], 'float32', backend);
    fused.gruCellBackward!(kernelView(acts), kernelView(ghs), kernelView(hs), kernelView(g), kernelView(dgx), kernelView(dgh), kernelView(dh));
    return [dgx, dgh, dh];
  }, [acts, ghs, hs]);
  return hNext;
}
