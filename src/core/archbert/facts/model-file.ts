/**
 * One model file, analysed for ArchBERT: the exact facts, the OpGraph they
 * were computed from (for evidence: each op keeps the source node ids), and
 * the ArchSummary view the grammar, QA generator and fact checker read.
 */
import { analyzeGraph } from '../../graph/analyze.js';
import { InputError } from '../../errors.js';
import type { ArchFacts, OpGraph } from '../../graph/types.js';
import { summarize, type ArchSummary } from './arch-summary.js';
import { basename } from 'node:path';

export interface AnalyzedModel {
  facts: ArchFacts;
  opGraph: OpGraph;
  summary: ArchSummary;
}

/** Display name of a model file: "resnet50.onnx" → "resnet50"; ".../tfjs/model.json" → "tfjs". */
export function modelName(file: string): string {
  const base = basename(file);
  if (base === 'model.json') return basename(file.slice(0, -'/model.json'.length)) || 'model';
  return base.replace(/\.(onnx|json)$/i, '');
}

/**
 * The facts' task guess in the wording of the training data ("classification"
 * of an image model is "image classification", as the exporter's index says).
 */
export function taskPhrase(facts: Pick<ArchFacts, 'task' | 'ops' | 'inputs'>): string {
  const t = facts.task.guess;
  const text = (facts.ops.embedding ?? 0) > 0 || (facts.ops.lstm ?? 0) + (facts.ops.gru ?? 0) + (facts.ops.rnn ?? 0) > 0;
  if (t === 'classification') return text ? 'text classification' : (facts.inputs[0]?.shape?.length ?? 4) === 5 ? 'video classification' : 'image classification';
  if (t === 'detection') return 'object detection';
  if (t === 'segmentation') return 'semantic segmentation';
  // The facts cannot tell a recurrent classifier from a language model: say only what they know.
  if (t === 'sequence') return 'sequence modeling';
  return t;
}

export async function analyzeModelFile(path: string, name = modelName(path)): Promise<AnalyzedModel> {
  const { loadGraph } = await import('../../graph/load.js');
  const g = await loadGraph(path);
  let analyzed: ReturnType<typeof analyzeGraph>;
  try {
    analyzed = analyzeGraph(g);
  } catch (e) {
    if (e instanceof InputError && e.file === null) throw new InputError(path, e.message);
    throw e;
  }
  const facts: ArchFacts = { file: path, ...analyzed.facts };
  if (analyzed.opGraph.nodes.length === 0) throw new InputError(path, 'no compute ops after analysis (nothing to describe)');
  const summary = summarize(analyzed.opGraph, facts, {
    id: `file:${name}`,
    name,
    source: 'real',
    family: facts.family.guess,
    variant: null,
    task: taskPhrase(facts),
  });
  return { facts, opGraph: analyzed.opGraph, summary };
}
