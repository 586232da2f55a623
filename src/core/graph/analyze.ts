/**
 * Entry point of the exact analysis: ArchGraph → OpGraph + ArchFacts.
 *
 *   analyzeGraph(g)      = buildOpGraph (shapes, folding, exact params, MACs)
 *                          + factsFromOpGraph (blocks, depth, task, family)
 *   describeFacts(path)  = loadGraph(path) + analyzeGraph, with `file`.
 */
import type { ArchFacts, ArchGraph, Dim, OpGraph } from './types.js';
import { buildOpGraph } from './opgraph.js';
import { factsFromOpGraph } from './facts.js';
import { recurrentGateActivations } from './activations.js';
import { InputError } from '../errors.js';

export interface AnalyzeOptions {
  /** Overrides for graph input shapes, e.g. {input: [1, 3, 224, 224]}. */
  inputShapes?: Record<string, number[]>;
}

export function analyzeGraph(g: ArchGraph, opts: AnalyzeOptions = {}): { opGraph: OpGraph; facts: Omit<ArchFacts, 'file'> } {
  const fold = buildOpGraph(g, { inputShapes: resolveInputShapes(g, opts.inputShapes) });
  const T = fold.shapes.tensors;
  const inputs = g.inputs
    .filter((i) => !g.initializers[i.name])
    .map((i) => ({ name: i.name, shape: (fold.shapes.inputShapes[i.name] ?? i.shape) as Dim[] | null, dtype: i.dtype }));
  const outputs = g.outputs.map((o) => ({ name: o.name, shape: (T.get(o.name)?.shape ?? o.shape) as Dim[] | null, dtype: o.dtype }));
  const notes = [...fold.notes];
  const raw = fold.rawOps;
  // BatchNorm folded into Conv by an eval-mode export: no norm op is left and the
  // exporter named the folded conv weights itself (onnx::Conv_N) instead of by module
  // path; convs that simply have biases (VGG, SqueezeNet, ConvNeXt) are not flagged.
  const convNodes = g.nodes.filter((n) => n.op === 'Conv' || n.op === 'ConvTranspose');
  const exporterNamed = convNodes.filter((n) => /^onnx::Conv(Transpose)?_\d+$/.test(n.inputs[1] ?? '')).length;
  const normsLeft = fold.opGraph.nodes.some((n) => /_norm$/.test(n.category));
  if (!normsLeft && convNodes.length > 0 && exporterNamed >= 0.5 * convNodes.length) {
    notes.push(
      `no normalisation ops and ${exporterNamed}/${convNodes.length} conv weights carry exporter-made names (onnx::Conv_N): BatchNorm was folded into Conv by an eval-mode export; the source model had 2 more trainable values and 2 running statistics per folded channel, which cannot be recovered here`,
    );
  }
  // Causal (decoder) attention: a Trilu-built mask, a constant [S, S] mask added to the scores
  // (values are stripped from fixtures, so the shape is the evidence), or a unidirectional fused op.
  const constMask = fold.attentionBiasShapes.some((s) => s.slice(0, -2).every((d) => d === 1)); // [S,S] / [1,S,S]: no per-head or per-window axis
  const causalMask = (raw.Trilu ?? 0) > 0 || constMask || g.nodes.some((n) => n.op === 'GroupQueryAttention' || n.attrs.unidirectional === 1);
  const facts = factsFromOpGraph(fold.opGraph, {
    format: g.format,
    inputs,
    outputs,
    notes,
    name: g.name || undefined,
    causalMask,
    recurrentActivations: recurrentGateActivations(g.nodes),
    dataDependentShapes: ['NonMaxSuppression', 'NonZero', 'Unique', 'Compress'].some((op) => (raw[op] ?? 0) > 0),
    params: { trainable: fold.params.trainable, buffers: fold.params.buffers, by_category: fold.params.byCategory },
    source: g,
  });
  return { opGraph: fold.opGraph, facts };
}

/** Checks --input-shape names against the graph inputs; '*' means "the only input". */
function resolveInputShapes(g: ArchGraph, shapes: Record<string, number[]> | undefined): Record<string, number[]> | undefined {
  if (!shapes) return undefined;
  const names = g.inputs.filter((i) => !g.initializers[i.name]).map((i) => i.name);
  const out: Record<string, number[]> = Object.create(null);
  const declared = (name: string) => g.inputs.find((i) => i.name === name)?.shape ?? null;
  for (const [key, dims] of Object.entries(shapes)) {
    const name = key === '*' && names.length === 1 ? names[0]! : key;
    const d = declared(name);
    if (d && d.length !== dims.length) {
      throw new InputError(null, `--input-shape ${name}=${dims.join('x')} has rank ${dims.length}, but the model declares rank ${d.length} (${d.map((x) => x ?? '?').join('x')})`);
    }
  }
  for (const [name, dims] of Object.entries(shapes)) {
    if (name === '*') {
      if (names.length !== 1) throw new InputError(null, `--input-shape without a name needs a model with one input; this one has ${names.length} (${names.join(', ')})`);
      out[names[0]!] = dims;
    } else if (!names.includes(name)) {
      throw new InputError(null, `--input-shape names '${name}', which is not an input of the model (inputs: ${names.join(', ') || 'none'})`);
    } else out[name] = dims;
  }
  return out;
}

/** Loads a model file (any supported format) and returns its facts. Throws InputError for bad input. */
export async function describeFacts(path: string, opts: AnalyzeOptions = {}): Promise<ArchFacts> {
  // loaded lazily: analysis of in-memory graphs does not need the format decoders
  const { loadGraph } = await import('./load.js');
  const g = await loadGraph(path);
  let facts: Omit<ArchFacts, 'file'>;
  try {
    ({ facts } = analyzeGraph(g, opts));
  } catch (e) {
    // name the file in option errors too (one line: "FILE: problem")
    if (e instanceof InputError && e.file === null) throw new InputError(path, e.message);
    throw e;
  }
  return { file: path, ...facts };
}
