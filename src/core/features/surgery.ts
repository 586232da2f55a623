/**
 * Graph surgery on ONNX models: find the tensors feature extraction needs and
 * expose them as graph outputs, so one ORT run returns them.
 *
 * Classifier features are the input of the last linear layer: starting from
 * the logits output we walk back through shape-only ops (Flatten, Reshape,
 * Identity, Squeeze, …) and a bias Add to the Gemm/MatMul that makes the
 * logits, and take its data input. This is the convention of the
 * transferability literature (global-pooled backbone output).
 */
import onnxProto from 'onnx-proto';
import { InputError } from '../errors.js';

const { onnx } = onnxProto;
type ModelProto = InstanceType<typeof onnx.ModelProto>;
type NodeProto = InstanceType<typeof onnx.NodeProto>;

/** Ops that do not mix features between positions: the walk back to the classifier passes through them. */
const PASS_THROUGH = new Set(['Identity', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Dropout', 'Cast']);

export interface GraphInput {
  name: string;
  /** Static dims; null where symbolic (the batch dim usually). */
  shape: (number | null)[];
}

export interface ParsedModel {
  proto: ModelProto;
  inputs: GraphInput[];
  outputs: string[];
  /** tensor name → producing node */
  producers: Map<string, NodeProto>;
  initializers: Set<string>;
}

export function parseModel(bytes: Uint8Array, file: string): ParsedModel {
  let proto: ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new InputError(file, `not a readable ONNX model (${err instanceof Error ? err.message : String(err)})`);
  }
  const graph = proto.graph;
  if (!graph || !graph.node || graph.node.length === 0) throw new InputError(file, 'ONNX model has no graph nodes');
  for (const init of graph.initializer ?? []) {
    if ((init.externalData ?? []).length > 0 || init.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
      throw new InputError(file, 'ONNX model stores weights as external data; re-export it as a single file');
    }
  }
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const producers = new Map<string, NodeProto>();
  for (const node of graph.node) for (const out of node.output ?? []) producers.set(out, node as NodeProto);
  const inputs: GraphInput[] = (graph.input ?? [])
    .filter((v) => !initializers.has(v.name ?? ''))
    .map((v) => ({
      name: v.name ?? '',
      shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) => {
        const value = d.dimValue === undefined || d.dimValue === null ? null : Number(d.dimValue);
        return value !== null && value > 0 && !d.dimParam ? value : null;
      }),
    }));
  const outputs = (graph.output ?? []).map((v) => v.name ?? '');
  return { proto, inputs, outputs, producers, initializers };
}

function isConstant(model: ParsedModel, name: string): boolean {
  if (model.initializers.has(name)) return true;
  const p = model.producers.get(name);
  return p?.opType === 'Constant';
}

/** Resolves the logits tensor: the named one, else the graph's only output (the input of a final Softmax when there is one). */
export function findLogits(model: ParsedModel, file: string, named?: string): string {
  if (named) {
    if (!model.producers.has(named)) throw new InputError(file, `zoo.json "logits": no tensor named '${named}' in the graph`);
    return named;
  }
  const candidate = model.outputs.includes('logits') ? 'logits' : model.outputs.length === 1 ? model.outputs[0]! : null;
  if (!candidate) {
    throw new InputError(file, `cannot tell which of the outputs (${model.outputs.join(', ')}) are the logits; set "logits" for this model in zoo.json`);
  }
  const producer = model.producers.get(candidate);
  if (producer && (producer.opType === 'Softmax' || producer.opType === 'LogSoftmax')) return producer.input![0]!;
  return candidate;
}

/**
 * The classifier feature tensor: the data input of the Gemm/MatMul producing
 * the logits. Returns null when the logits are not made by a linear layer.
 */
export function findClassifierFeature(model: ParsedModel, logits: string): string | null {
  let tensor = logits;
  for (let steps = 0; steps < 64; steps++) {
    const node = model.producers.get(tensor);
    if (!node) return null;
    const op = node.opType ?? '';
    const inputs = (node.input ?? []).filter((n) => n !== '');
    if (op === 'Gemm' || op === 'MatMul') {
      // The data input is the non-constant one (Gemm A unless transposed weights come first, which exporters never do).
      const data = inputs.find((n) => !isConstant(model, n));
      return data ?? null;
    }
    if (PASS_THROUGH.has(op)) {
      tensor = inputs[0]!;
      continue;
    }
    if (op === 'Add' && inputs.length === 2) {
      // MatMul + bias Add: follow the non-constant side.
      const data = inputs.filter((n) => !isConstant(model, n));
      if (data.length !== 1) return null;
      tensor = data[0]!;
      continue;
    }
    return null;
  }
  return null;
}

/** Adds tensors as graph outputs (type float, shape left open) and re-serialises the model. */
export function exposeOutputs(model: ParsedModel, names: string[]): Uint8Array {
  const graph = model.proto.graph!;
  const existing = new Set(model.outputs);
  for (const name of names) {
    if (existing.has(name)) continue;
    graph.output!.push(
      onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }),
    );
    existing.add(name);
  }
  return onnx.ModelProto.encode(model.proto).finish();
}

/** True when the graph has a tensor of that name (an output of some node or a graph input). */
export function hasTensor(model: ParsedModel, name: string): boolean {
  return model.producers.has(name) || model.inputs.some((i) => i.name === name);
}

/**
 * For a detector with no named feature map: the only 4-D graph output other
 * than the obvious heads, or a graph output literally called "features".
 */
export function findDetectorFeature(model: ParsedModel): string | null {
  if (model.outputs.includes('features')) return 'features';
  if (model.producers.has('features')) return 'features';
  return null;
}
