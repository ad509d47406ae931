// The module types a whole-model file can name: for each, the class, the JSON options that
// rebuild an instance (read back from the instance), and for containers the children the
// constructor does not make (Sequential's layers). Built-ins are here; custom modules register.

import { ValueError } from '@recur/backend';
import {
  Dropout,
  Embedding,
  GRU,
  GRUCell,
  LayerNorm,
  LayerNormLSTM,
  Linear,
  LSTM,
  LSTMCell,
  LSTMModel,
  RNN,
  RNNCell,
  Sequential,
  SequenceTagger,
  SimpleRNN,
  type Module,
  type SequentialLayer,
} from '@recur/cells';
import { QuantizedLinear } from '../quantize/quantized-linear.js';
import { QuantizedEmbedding } from '../quantize/quantized-embedding.js';
import { QuantizedGRU, QuantizedLSTM, QuantizedRNN } from '../quantize/quantized-recurrent.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

type ModuleClass<M extends Module> = abstract new (...args: never[]) => M;

export interface ModelType<M extends Module = Module> {
  /** The constructor options of `module`, as JSON. */
  options(module: M): JsonObject;
  /** Build from the file's options (and, for containers, the children rebuilt first). */
  create(options: JsonObject, children: readonly [string, Module][]): M;
  /** Children the constructor does not make, saved as their own nodes (containers). */
  children?(module: M): [string, Module][];
}

interface Entry {
  readonly name: string;
  readonly type: ModelType<never>;
}

const byName = new Map<string, Entry>();
const byClass = new Map<unknown, Entry>();

function add<M extends Module>(name: string, moduleClass: ModuleClass<M>, type: ModelType<M>): void {
  const entry = { name, type: type as unknown as ModelType<never> };
  byName.set(name, entry);
  byClass.set(moduleClass, entry);
}

/**
 * Make a custom module class loadable from model files under `name`. `options` reads its
 * constructor options back from an instance; `create` defaults to `new moduleClass(options)`.
 */
export function registerModelType<M extends Module>(
  name: string,
  moduleClass: new (options: never) => M,
  type: { options(module: M): JsonObject; create?: ModelType<M>['create']; children?: ModelType<M>['children'] },
): void {
  if (typeof name !== 'string' || name === '' || typeof moduleClass !== 'function' || typeof type?.options !== 'function') {
    throw new ValueError(
      `registerModelType: expected (name, class, { options }); got ${typeof name}, ${typeof moduleClass}, ${typeof type?.options}`,
    );
  }
  installBuiltinTypes();
  if (byName.has(name) && byName.get(name) !== byClass.get(moduleClass))
    throw new ValueError(`registerModelType: the type name '${name}' is taken`);
  add(name, moduleClass, {
    options: type.options,
    create: type.create ?? ((options) => new moduleClass(options as never)),
    children: type.children,
  });
}

export function typeOfModule(module: Module): Entry | undefined {
  installBuiltinTypes();
  return byClass.get(module.constructor);
}

export function typeNamed(name: string): Entry | undefined {
  installBuiltinTypes();
  return byName.get(name);
}

const recurrentOptions = (m: RNN | LSTM | GRU): JsonObject => ({
  inputSize: m.inputSize,
  hiddenSize: m.hiddenSize,
  numLayers: m.numLayers,
  bias: m.bias,
  batchFirst: m.batchFirst,
  dropout: m.dropout,
  bidirectional: m.bidirectional,
  ...(m.residual ? { residual: true } : {}),
});
const cellOptions = (m: RNNCell | LSTMCell | GRUCell): JsonObject => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: m.bias });

let installed = false;

function installBuiltinTypes(): void {
  if (installed) return;
  installed = true;
  const construct =
    <M extends Module>(moduleClass: new (options: never) => M) =>
    (options: JsonObject) =>
      new moduleClass(options as never);
  add('Linear', Linear, {
    options: (m) => ({ inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias !== null }),
    create: construct(Linear),
  });
  add('Embedding', Embedding, {
    options: (m) => ({ numEmbeddings: m.numEmbeddings, embeddingDim: m.embeddingDim, paddingIdx: m.paddingIdx }),
    create: construct(Embedding),
  });
  add('Dropout', Dropout, { options: (m) => ({ p: m.p }), create: construct(Dropout) });
  add('LayerNorm', LayerNorm, {
    options: (m) => ({
      normalizedShape: [...m.normalizedShape],
      eps: m.eps,
      elementwiseAffine: m.elementwiseAffine,
      bias: m.bias !== null || !m.elementwiseAffine,
    }),
    create: construct(LayerNorm),
  });
  add('Sequential', Sequential, {
    options: () => ({}),
    create: (_options, children) => new Sequential(...children.map(([, child]) => child as SequentialLayer)),
    children: (m) => m.namedChildren(),
  });
  add('RNN', RNN, { options: (m) => ({ ...recurrentOptions(m), nonlinearity: m.nonlinearity }), create: construct(RNN) });
  add('LSTM', LSTM, { options: (m) => ({ ...recurrentOptions(m), projSize: m.projSize }), create: construct(LSTM) });
  add('GRU', GRU, { options: recurrentOptions, create: construct(GRU) });
  add('RNNCell', RNNCell, { options: (m) => ({ ...cellOptions(m), nonlinearity: m.nonlinearity }), create: construct(RNNCell) });
  add('LSTMCell', LSTMCell, { options: cellOptions, create: construct(LSTMCell) });
  add('GRUCell', GRUCell, { options: cellOptions, create: construct(GRUCell) });
  add('LayerNormLSTM', LayerNormLSTM, {
    options: (m) => ({
      inputSize: m.inputSize,
      hiddenSize: m.hiddenSize,
      numLayers: m.numLayers,
      batchFirst: m.batchFirst,
      layerNormEps: m.layerNormEps,
    }),
    create: construct(LayerNormLSTM),
  });
  // Quantised twins (quantizeDynamic): the float type's options and the storage dtype; their
  // compressed matrices are stored beside the state dict (compress/stored-weights.ts).
  add('QuantizedLinear', QuantizedLinear, {
    options: (m) => ({ inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias !== null, dtype: m.weightDType }),
    create: construct(QuantizedLinear),
  });
  add('QuantizedEmbedding', QuantizedEmbedding, {
    options: (m) => ({ numEmbeddings: m.numEmbeddings, embeddingDim: m.embeddingDim, paddingIdx: m.paddingIdx, dtype: m.weightDType }),
    create: construct(QuantizedEmbedding),
  });
  add('QuantizedRNN', QuantizedRNN, {
    options: (m) => ({ ...recurrentOptions(m), nonlinearity: m.nonlinearity, dtype: m.weightDType }),
    create: construct(QuantizedRNN),
  });
  add('QuantizedLSTM', QuantizedLSTM, {
    options: (m) => ({ ...recurrentOptions(m), projSize: m.projSize, dtype: m.weightDType }),
    create: construct(QuantizedLSTM),
  });
  add('QuantizedGRU', QuantizedGRU, {
    options: (m) => ({ ...recurrentOptions(m), dtype: m.weightDType }),
    create: construct(QuantizedGRU),
  });
  add('SimpleRNN', SimpleRNN, {
    options: (m) => ({
      inputSize: m.rnn.inputSize,
      hiddenSize: m.rnn.hiddenSize,
      outputSize: m.fc.outFeatures,
      nonlinearity: m.rnn.nonlinearity,
    }),
    create: construct(SimpleRNN),
  });
  add('LSTMModel', LSTMModel, {
    options: (m) => ({
      inputSize: m.lstm.inputSize,
      hiddenSize: m.lstm.hiddenSize,
      outputSize: m.fc.outFeatures,
      numLayers: m.lstm.numLayers,
      dropout: m.lstm.dropout,
    }),
    create: construct(LSTMModel),
  });
  add('SequenceTagger', SequenceTagger, {
    options: (m) => ({
      vocabSize: m.embedding.numEmbeddings,
      embeddingDim: m.embedding.embeddingDim,
      hiddenSize: m.lstm.hiddenSize,
      numClasses: m.fc.outFeatures,
      numLayers: m.lstm.numLayers,
      paddingIdx: m.embedding.paddingIdx,
      dropout: m.lstm.dropout,
    }),
    create: construct(SequenceTagger),
  });
}
