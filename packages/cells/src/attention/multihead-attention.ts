// MultiheadAttention (torch.nn.MultiheadAttention): q = query·W_qᵀ + b_q (k, v likewise), split
// into H heads of d = E/H features, per head softmax(q_h·k_hᵀ/√d + M)·v_h, heads concatenated
// and projected by out_proj. L target length, S source length, N batch, E embedDim.

import { backendOf, ValueError, concat, init, noGrad, scope, zeros, type Generator, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { Linear } from '../modules/linear.js';
import { attend } from './scaled-dot-product.js';
import { checkMhaInputs, mhaAdditiveMask } from './multihead-checks.js';
import { projectRows, splitHeads, mergeHeads } from './heads.js';

export interface MultiheadAttentionOptions {
  readonly embedDim: number;
  readonly numHeads: number;
  /** Dropout probability on the attention weights in training (default 0). */
  readonly dropout?: number;
  /** Biases on the input and output projections (default true). */
  readonly bias?: boolean;
  /** Learned bias_k, bias_v appended to the keys and values as one more source position (default false). */
  readonly addBiasKv?: boolean;
  /** Append a zero key and value (after the projections) as one more source position (default false). */
  readonly addZeroAttn?: boolean;
  /** Key feature size (default embedDim). */
  readonly kdim?: number;
  /** Value feature size (default embedDim). */
  readonly vdim?: number;
  /** Inputs and output as [N, L, E] instead of [L, N, E] (default false). */
  readonly batchFirst?: boolean;
  /** The random stream for dropout (default: the tensor package's default generator). */
  readonly generator?: Generator;
}

export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): true (bool) marks a padded key; a float mask is added to the scores. */
  readonly keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  readonly needWeights?: boolean;
  /** [L, S] or [N·H, L, S]: true (bool) marks a position NOT allowed; a float mask is added. */
  readonly attnMask?: Tensor | null;
  /** Average the weights over heads to [N, L, S] (default true); else [N, H, L, S]. */
  readonly averageAttnWeights?: boolean;
  /** PyTorch's hint that attnMask is the causal mask; as in PyTorch it needs attnMask. */
  readonly isCausal?: boolean;
}

export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  /** True when kdim = vdim = embedDim: one packed in_proj_weight (3E, E). */
  readonly qkvSameEmbedDim: boolean;
  readonly inProjWeight: Parameter | null;
  readonly qProjWeight: Parameter | null;
  readonly kProjWeight: Parameter | null;
  readonly vProjWeight: Parameter | null;
  readonly inProjBias: Parameter | null;
  readonly outProj: Linear;
  readonly biasK: Parameter | null;
  readonly biasV: Parameter | null;
  readonly generator: Generator | undefined;

  constructor(options: MultiheadAttentionOptions) {
    super();
    const { embedDim, numHeads } = options;
    const kdim = options.kdim ?? embedDim;
    const vdim = options.vdim ?? embedDim;
    for (const [name, value] of [
      ['embedDim', embedDim],
      ['kdim', kdim],
      ['vdim', vdim],
    ] as const) {
      if (!Number.isInteger(value) || value <= 0)
        throw new ValueError(`MultiheadAttention: ${name} must be a positive integer; got ${value}`);
    }
    if (!Number.isInteger(numHeads) || numHeads <= 0)
      throw new ValueError(`MultiheadAttention: numHeads must be a positive integer; got ${numHeads}`);
    if (embedDim % numHeads !== 0)
      throw new ValueError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    const dropout = options.dropout ?? 0;
    if (!(dropout >= 0 && dropout <= 1)) throw new ValueError(`MultiheadAttention: dropout must be between 0 and 1; got ${dropout}`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = dropout;
    this.kdim = kdim;
    this.vdim = vdim;
    this.batchFirst = options.batchFirst ?? false;
    this.addZeroAttn = options.addZeroAttn ?? false;
    this.generator = options.generator;
    this.qkvSameEmbedDim = kdim === embedDim && vdim === embedDim;
    // PyTorch's _reset_parameters: xavier_uniform_ on the projections, zero biases, xavier_normal_ on bias_k/v.
    const xavier = (rows: number, columns: number) => new Parameter(init.xavierUniform(zeros([rows, columns])));
    if (this.qkvSameEmbedDim) {
      this.qProjWeight = this.kProjWeight = this.vProjWeight = null;
      this.inProjWeight = this.registerParameter('in_proj_weight', xavier(3 * embedDim, embedDim));
    } else {
      this.qProjWeight = this.registerParameter('q_proj_weight', xavier(embedDim, embedDim));
      this.kProjWeight = this.registerParameter('k_proj_weight', xavier(embedDim, kdim));
      this.vProjWeight = this.registerParameter('v_proj_weight', xavier(embedDim, vdim));
      this.inProjWeight = null;
    }
    const bias = options.bias ?? true;
    this.inProjBias = this.registerParameter('in_proj_bias', bias ? new Parameter(zeros([3 * embedDim])) : null);
    this.outProj = this.registerModule('out_proj', new Linear({ inFeatures: embedDim, outFeatures: embedDim, bias }));
    if (this.outProj.bias) noGrad(() => this.outProj.bias!.assign(0));
    if (options.addBiasKv ?? false) {
      this.biasK = this.registerParameter('bias_k', new Parameter(init.xavierNormal(zeros([1, 1, embedDim]))));
      this.biasV = this.registerParameter('bias_v', new Parameter(init.xavierNormal(zeros([1, 1, embedDim]))));
    } else {
      this.biasK = this.biasV = null;
    }
  }

  /**
   * query [L, N, E] ([N, L, E] with batchFirst, [L, E] unbatched), key [S, N, kdim], value
   * [S, N, vdim] → [attnOutput like query, attnWeights [N, L, S] / [N, H, L, S] or null].
   * A query row whose keys are all masked gets NaN, as in PyTorch.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const needWeights = options.needWeights ?? true;
    const average = options.averageAttnWeights ?? true;
    const { batched, L, S, N } = checkMhaInputs(this, query, key, value, options);
    return scope(() => {
      // Unbatched inputs get a batch axis of 1 and lose it again at the end.
      const batchAxis = this.batchFirst ? 0 : 1;
      const lift = (t: Tensor) => (batched ? t : t.unsqueeze(batchAxis));
      const [q, k, v] = this.project(lift(query), lift(key), lift(value), query === key && key === value);
      const qh = splitHeads(q, this.numHeads, this.batchFirst);
      let kh = splitHeads(k, this.numHeads, this.batchFirst);
      let vh = splitHeads(v, this.numHeads, this.batchFirst);
      // Keys appended after the S real ones (bias_k, the zero key); the masks allow them.
      let appended = 0;
      if (this.biasK && this.biasV) {
        // bias_k [1, 1, E] as one more key per batch row: [N, H, 1, d].
        const asHeads = (b: Tensor) => b.reshape([1, this.numHeads, 1, this.headDim]).expand([N, this.numHeads, 1, this.headDim]);
        kh = concat([kh, asHeads(this.biasK)], 2);
        vh = concat([vh, asHeads(this.biasV)], 2);
        appended++;
      }
      if (this.addZeroAttn) {
        const zero = zeros([N, this.numHeads, 1, this.headDim], { backend: backendOf('MultiheadAttention', query) });
        kh = concat([kh, zero], 2);
        vh = concat([vh, zero], 2);
        appended++;
      }
      const additive = mhaAdditiveMask(options, { batched, N, H: this.numHeads, L, S, appended });
      const [heads, weights] = attend(qh, kh, vh, {
        additive,
        scale: null,
        dropoutP: this.dropout,
        training: this.training,
        generator: this.generator,
      });
      const merged = mergeHeads(heads, this.batchFirst);
      let output = this.outProj.forward(merged);
      if (!batched) output = output.squeeze(batchAxis);
      if (!needWeights) return [output, null];
      let w = average ? weights.mean({ axis: 1 }) : weights;
      if (!batched) w = w.squeeze(0);
      return [output, w];
    });
  }

  /** The three input projections; self-attention (one tensor thrice) runs one packed GEMM. */
  private project(query: Tensor, key: Tensor, value: Tensor, selfAttention: boolean): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const b = this.inProjBias;
    const biasPart = (i: number) => (b ? b.narrow(0, i * E, E) : null);
    if (this.inProjWeight) {
      const w = this.inProjWeight;
      if (selfAttention) {
        const packed = projectRows(query, w, b);
        return [packed.narrow(-1, 0, E), packed.narrow(-1, E, E), packed.narrow(-1, 2 * E, E)];
      }
      return [
        projectRows(query, w.narrow(0, 0, E), biasPart(0)),
        projectRows(key, w.narrow(0, E, E), biasPart(1)),
        projectRows(value, w.narrow(0, 2 * E, E), biasPart(2)),
      ];
    }
    return [
      projectRows(query, this.qProjWeight!, biasPart(0)),
      projectRows(key, this.kProjWeight!, biasPart(1)),
      projectRows(value, this.vProjWeight!, biasPart(2)),
    ];
  }
}
