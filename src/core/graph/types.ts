/**
 * The graph model every format loads into, and the derived "op graph" the
 * analysis and ArchBERT featurizer work on.
 *
 *  model file ──load──► ArchGraph (faithful to the source: tensors, attrs, params)
 *             ──analyze──► OpGraph (compute ops only, normalised categories, shapes)
 *                          + ArchFacts (exact, deterministic figures)
 *
 * Loaders translate each format's layers into ONNX operator semantics where an
 * ONNX op exists (op = ONNX op type, attrs as ONNX names them), keeping the
 * source op in `sourceOp`; this lets shape inference and MAC counting be
 * written once.
 */

export type ModelFormat = 'onnx' | 'keras' | 'tfjs-layers' | 'tfjs-graph' | 'native';

/** A dimension: a number, a symbolic name (e.g. "batch"), or null when unknown. */
export type Dim = number | string | null;

export interface TensorInfo {
  name: string;
  /** null when the rank itself is unknown. */
  shape: Dim[] | null;
  /** ONNX-style element type name: float32, float16, int64, … */
  dtype: string;
}

/** A stored weight tensor (its data is never needed: only dims and type). */
export interface ParamInfo {
  name: string;
  shape: number[];
  dtype: string;
  /** false for BatchNorm running statistics and other non-learned buffers. */
  trainable: boolean;
  /**
   * Optional, finer than `trainable`: 'weight' (learned), 'buffer' (non-learned
   * state such as BatchNorm running mean/var or Keras Normalization statistics),
   * 'constant' (shape/axes/index tensors, exported scalars, quantization
   * scales: graph plumbing rather than model state). Loaders set it.
   */
  role?: 'weight' | 'buffer' | 'constant';
  /**
   * Optional: the contents (flattened, row-major) of SMALL tensors (≤ 1024
   * elements), e.g. int64 shape/axes/pads/starts constants and Resize scales.
   * Static shape inference of Reshape/Slice/Resize/Pad/… needs them; absent
   * means "unknown" and shapes downstream become unknown (never wrong).
   */
  values?: number[];
}

export type AttrValue = number | string | boolean | number[] | string[] | null;

export interface ArchNode {
  /** Unique within its graph (the node name, or a generated one). */
  id: string;
  /** ONNX op type (or the source op when no ONNX equivalent exists). */
  op: string;
  /** The op as written in the source format (e.g. Keras "DepthwiseConv2D"). */
  sourceOp: string;
  domain?: string;
  attrs: Record<string, AttrValue>;
  /** Tensor names consumed/produced; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  /** Weight tensors this node consumes directly (initializers / layer weights). */
  params: ParamInfo[];
  /** Bodies of control-flow ops (If/Loop/Scan), when present. */
  subgraphs?: ArchGraph[];
  /**
   * Optional, for ONNX `Constant` nodes: the tensor (or value_int(s)/
   * value_float(s)) as `constValue` {shape, values (≤ 1024 elements), dtype},
   * so shape inference can fold constants. Absent = unknown contents.
   */
  constValue?: { shape: number[]; values?: number[]; dtype: string };
  /** Data layout for formats that are channels-last (Keras/TF). */
  layout?: 'NCHW' | 'NHWC';
  /**
   * Optional: tensor-valued attributes (ONNX TENSOR/TENSORS attrs, e.g.
   * ConstantOfShape `value`), as {shape, dtype, values (≤ 1024 elements)}.
   * They are not repeated in `attrs`.
   */
  tensorAttrs?: Record<string, { shape: number[]; values?: number[]; dtype: string }>;
  /** Optional: set on nodes inlined from an ONNX model-local function ("domain:name"). */
  fromFunction?: string;
}

export interface ArchGraph {
  format: ModelFormat;
  /** Model / graph name from the file, if any. */
  name: string;
  nodes: ArchNode[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Known shapes of intermediate tensors (ONNX value_info, Keras output shapes). */
  valueInfo: Record<string, TensorInfo>;
  /** All weight tensors by name, including those not attached to a node. */
  initializers: Record<string, ParamInfo>;
  metadata: Record<string, string>;
  /** ONNX opset of the default domain, when known. */
  opset?: number;
  /** Optional: for a subgraph, the attribute of its control-flow node (then_branch, else_branch, body). */
  parentAttr?: string;
}

/**
 * One compute op after folding shape plumbing away: what the facts and the
 * ArchBERT featurizer see. Generated architectures are built directly at this
 * level.
 */
export interface OpNode {
  id: string;
  /** Normalised category, one of OP_CATEGORIES. */
  category: string;
  /** Output channels / features (null when unknown). */
  outChannels: number | null;
  /** Input channels / features (null when unknown). */
  inChannels: number | null;
  /** Kernel height/width for conv/pool ops. */
  kernel: [number, number] | null;
  stride: [number, number] | null;
  dilation: [number, number] | null;
  groups: number | null;
  /** Learnable parameters of this op, and non-learned buffers. */
  params: number;
  buffers: number;
  /** Multiply-accumulates at the analysed input size (null if unknown). */
  macs: number | null;
  /** Output shape, when inferred. */
  outShape: Dim[] | null;
  /** The source node ids folded into this op (for evidence). */
  sources: string[];
}

export interface OpGraph {
  nodes: OpNode[];
  /** Directed edges [from index, to index] in data-flow order. */
  edges: Array<[number, number]>;
  /** Indices of nodes fed by graph inputs / feeding graph outputs. */
  inputNodes: number[];
  outputNodes: number[];
}

/** Structural blocks found on the OpGraph (definitions in blocks.ts). */
export interface BlockCounts {
  residual: number;
  depthwise_separable: number;
  squeeze_excitation: number;
  attention: number;
  inverted_residual: number;
  feature_pyramid: number;
}

/** The exact facts `archbert describe --facts --json` prints (schema/arch-facts.schema.json). */
export interface ArchFacts {
  file: string;
  format: ModelFormat;
  inputs: Array<{ name: string; shape: Dim[] | null; dtype: string }>;
  outputs: Array<{ name: string; shape: Dim[] | null; dtype: string }>;
  params: { total: number; trainable: number; buffers: number; by_category?: Record<string, number> };
  macs: number | null;
  ops: Record<string, number>;
  depth: number;
  blocks: BlockCounts;
  activations: string[];
  norms: string[];
  kernel_sizes: string[];
  task: { guess: string; detail: string | null; evidence: string[] };
  family: { guess: string | null; evidence: string[] };
  /** Named design ideas present (ideas/registry.ts), keyed by id in registry order: instances and evidence node ids. */
  ideas: Record<string, { count: number | null; evidence: string[] }>;
  /** Notes about assumptions (symbolic dims assumed, BN folded, …). */
  notes?: string[];
}
