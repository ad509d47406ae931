// The part of the ONNX protobuf schema (onnx.proto, proto2) that Recur writes and reads, as a
// protobufjs JSON descriptor: field names and numbers are onnx.proto's, so protobufjs encodes
// and decodes the wire format; nothing here touches bytes itself.

import protobuf from 'protobufjs';

const field = (type: string, id: number, rule?: 'repeated') => (rule ? { type, id, rule } : { type, id });

const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: field('int64', 1),
            opset_import: field('OperatorSetIdProto', 8, 'repeated'),
            producer_name: field('string', 2),
            producer_version: field('string', 3),
            domain: field('string', 4),
            model_version: field('int64', 5),
            doc_string: field('string', 6),
            graph: field('GraphProto', 7),
            metadata_props: field('StringStringEntryProto', 14, 'repeated'),
          },
        },
        OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
        StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
        GraphProto: {
          fields: {
            node: field('NodeProto', 1, 'repeated'),
            name: field('string', 2),
            initializer: field('TensorProto', 5, 'repeated'),
            doc_string: field('string', 10),
            input: field('ValueInfoProto', 11, 'repeated'),
            output: field('ValueInfoProto', 12, 'repeated'),
            value_info: field('ValueInfoProto', 13, 'repeated'),
          },
        },
        NodeProto: {
          fields: {
            input: field('string', 1, 'repeated'),
            output: field('string', 2, 'repeated'),
            name: field('string', 3),
            op_type: field('string', 4),
            domain: field('string', 7),
            attribute: field('AttributeProto', 5, 'repeated'),
            doc_string: field('string', 6),
          },
        },
        AttributeProto: {
          fields: {
            name: field('string', 1),
            type: field('int32', 20),
            f: field('float', 2),
            i: field('int64', 3),
            s: field('bytes', 4),
            t: field('TensorProto', 5),
            g: field('GraphProto', 6),
            floats: field('float', 7, 'repeated'),
            ints: field('int64', 8, 'repeated'),
            strings: field('bytes', 9, 'repeated'),
            tensors: field('TensorProto', 10, 'repeated'),
            graphs: field('GraphProto', 11, 'repeated'),
            doc_string: field('string', 13),
          },
        },
        ValueInfoProto: { fields: { name: field('string', 1), type: field('TypeProto', 2), doc_string: field('string', 3) } },
        TypeProto: {
          fields: { tensor_type: field('TypeProtoTensor', 1), denotation: field('string', 6) },
        },
        TypeProtoTensor: { fields: { elem_type: field('int32', 1), shape: field('TensorShapeProto', 2) } },
        TensorShapeProto: { fields: { dim: field('Dimension', 1, 'repeated') } },
        Dimension: { fields: { dim_value: field('int64', 1), dim_param: field('string', 2), denotation: field('string', 3) } },
        TensorProto: {
          fields: {
            dims: field('int64', 1, 'repeated'),
            data_type: field('int32', 2),
            float_data: field('float', 4, 'repeated'),
            int32_data: field('int32', 5, 'repeated'),
            string_data: field('bytes', 6, 'repeated'),
            int64_data: field('int64', 7, 'repeated'),
            name: field('string', 8),
            doc_string: field('string', 12),
            raw_data: field('bytes', 9),
            double_data: field('double', 10, 'repeated'),
            data_location: field('int32', 14),
          },
        },
      },
    },
  },
};

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
/** ONNX AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

let root: protobuf.Root | undefined;

/** The ModelProto message type (the descriptor is resolved once, on first use). */
export function modelProto(): protobuf.Type {
  root ??= protobuf.Root.fromJSON(DESCRIPTOR);
  return root.lookupType('onnx.ModelProto');
}

// Plain-object views of the messages, as protobufjs' toObject gives them (longs as numbers).
export interface TensorMessage {
  name?: string;
  dims?: (number | string)[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: (number | string)[];
  double_data?: number[];
  data_location?: number;
}
export interface AttributeMessage {
  name: string;
  type: number;
  f?: number;
  i?: number | string;
  s?: Uint8Array;
  t?: TensorMessage;
  g?: GraphMessage;
  floats?: number[];
  ints?: (number | string)[];
  strings?: Uint8Array[];
}
export interface NodeMessage {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeMessage[];
}
export interface DimensionMessage {
  dim_value?: number;
  dim_param?: string;
}
export interface ValueInfoMessage {
  name: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: DimensionMessage[] } } };
}
export interface GraphMessage {
  name?: string;
  node?: NodeMessage[];
  initializer?: TensorMessage[];
  input?: ValueInfoMessage[];
  output?: ValueInfoMessage[];
}
export interface ModelMessage {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  graph?: GraphMessage;
}
