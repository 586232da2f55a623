/**
 * `archbert ask`: questions and statements about one architecture.
 *
 * Design (the issue's "sound design"): the question is understood by a rule
 * parser over the same vocabulary the dataset grammar uses (ask-parse.ts), backed by the
 * learned QA head when the rules do not recognise what is asked (the head's
 * best answer tells which kind of thing is asked: a normalisation, a
 * parameter range, yes/no …). Exact values always come from the graph facts.
 * The learned heads (QA head for questions, reasoning head for statements and
 * yes/no questions) are also run; when they contradict the facts, the facts
 * win and the answer says so. Evidence = OpGraph nodes (their source node ids)
 * that support the answer.
 */
import type { OpGraph } from '../graph/types.js';
import type { ArchSummary } from './facts/arch-summary.js';
import { CONV_KINDS, POOLING, RECURRENT, kernelOrder } from './facts/arch-summary.js';
import { familyInfo } from './facts/family-knowledge.js';
import { statedParamCount, familyAgrees, satisfies, taskMatches } from './find.js';
import { LARGE_KERNEL, LARGE_STEM_KERNEL, exclusiveGroup, layerCount, featureLabel, hasFeature } from './language/feature-phrases.js';
import { CMP_TEXT, compare, quantityOf } from './language/quantity.js';
import { intentFromAnswer, parseQuestion, statementForm, normalizeQuestion, type AskKind, type Intent } from './language/question.js';
import { CONV_CATEGORIES, structureNodes } from './facts/structure.js';
import { KIND_CANON, canon, formatCount, layerBucket, paramRange } from './language/vocabulary.js';


export interface AskAnswer {
  question: string;
  answer: string;
  value: boolean | number | string | string[];
  kind: AskKind;
  confidence: number;
  evidence: Array<{ node: string; op: string }>;
}

/** The canonical answer strings (as in answers.json) the facts give for an intent, when it maps to a QA template. */
export function factAnswerStrings(s: ArchSummary, intent: Intent): string[] | null {
  const none = (xs: string[]) => (xs.length ? xs : ['none']);
  switch (intent.type) {
    case 'which':
      switch (intent.what) {
        case 'norm':
          return none(s.norms.map(canon));
        case 'activation':
          return none(s.activations.map(canon));
        case 'pooling':
          return none(s.pooling.map(canon));
        case 'kernels':
          if (intent.convKind && s.structure) return none([...(s.structure.kernelsByKind[intent.convKind] ?? [])].sort(kernelOrder));
          return none([...s.kernelSizes]);
        case 'blocks':
          return none(BLOCKS.filter((b) => s.blocks[b] > 0).map((b) => canon(b === 'attention' ? 'attention_block' : b)));
        case 'conv_kinds':
          return none(s.convKinds.map(canon));
        case 'recurrent':
          return none(s.recurrent.map(canon));
      }
      break;
    case 'count':
      if (intent.what === 'params') return [paramRange(s.params).label];
      if (intent.what === 'layers') return [layerBucket(s.weightedLayers)];
      return null;
    case 'what':
      if (intent.what === 'task') return [s.task];
      if (intent.what === 'kind') return [KIND_CANON[s.kind]!];
      if (intent.what === 'after_conv') return s.afterConv ? [canon(s.afterConv)] : null;
      if (intent.what === 'modality') return [s.modality];
      return null;
    case 'lightweight':
      return [s.params < 5e6 ? 'yes' : 'no'];
    case 'presence':
      if (intent.keys.length === 1 && !intent.absent?.length && BLOCK_LIKE.has(intent.keys[0]!)) return [hasFeature(s, intent.keys[0]!) ? 'yes' : 'no'];
      return null;
    default:
      return null;
  }
  return null;
}

const BLOCKS = ['residual', 'depthwise_separable', 'squeeze_excitation', 'attention', 'inverted_residual', 'feature_pyramid'] as const;
const BLOCK_LIKE = new Set(['residual', 'depthwise_separable', 'squeeze_excitation', 'attention', 'inverted_residual', 'feature_pyramid']);

/** Categories whose nodes are evidence for a feature key. */
function evidenceCategories(key: string): string[] {
  switch (key) {
    case 'conv':
      return [...CONV_KINDS];
    case 'normalization':
      return ['batch_norm', 'layer_norm', 'group_norm', 'instance_norm', 'rms_norm', 'lrn'];
    case 'attention':
    case 'attention_block':
      return ['attention', 'softmax', 'matmul'];
    case 'recurrent':
      return [...RECURRENT];
    case 'pooling':
      return [...POOLING];
    case 'residual':
      return ['add'];
    case 'depthwise_separable':
    case 'inverted_residual':
      return ['depthwise_conv'];
    case 'squeeze_excitation':
      return ['global_avg_pool', 'mul'];
    case 'feature_pyramid':
      return ['resize', 'add'];
    default:
      return [key];
  }
}

const MAX_EVIDENCE = 12;

/**
 * Feature keys decided by the structure facts (structure.ts) rather than by a
 * category count: the nodes behind them, how many, and a sentence of what the
 * graph shows (said whether the feature is there or not). null for the plain
 * category / block keys.
 */
export function structuralEvidence(og: OpGraph, s: ArchSummary, key: string): { nodes: number[]; count: number; detail: string } | null {
  // "ReLU-only", "layer norm is its only norm": which activations (or norms) the graph has.
  if (key.startsWith('only:')) {
    const k = key.slice('only:'.length);
    const group = exclusiveGroup(s, k);
    if (!group) return null;
    const { kinds, what } = group;
    const name = k.replace(/_/g, ' ');
    const nodes = og.nodes.flatMap((n, i) => (n.category === k ? [i] : []));
    const detail =
      kinds.length === 1 && kinds[0] === k
        ? `${name} is the only ${what} in the graph (${nodes.length} op(s))`
        : kinds.includes(k)
          ? `${name} is not the only ${what}: the graph has ${kinds.map((x) => x.replace(/_/g, ' ')).join(', ')}`
          : `no ${name} in the graph${kinds.length ? ` (${what}s there: ${kinds.map((x) => x.replace(/_/g, ' ')).join(', ')})` : ''}`;
    return { nodes, count: nodes.length, detail };
  }
  const st = s.structure;
  if (!st) return null;
  const convIdx = og.nodes.flatMap((n, i) => ((CONV_CATEGORIES as readonly string[]).includes(n.category) && n.kernel ? [i] : []));
  const sn = () => nodesOfStructure(og, s);
  if (key.startsWith('kernel:')) {
    const [, kind, size] = key.split(':') as [string, string, string];
    const nodes = convIdx.filter((i, j) => {
      const n = og.nodes[i]!;
      if (kind !== 'any' && n.category !== kind) return false;
      if (size === 'large') return Math.max(n.kernel![0], n.kernel![1]) >= (j === 0 ? LARGE_STEM_KERNEL : LARGE_KERNEL);
      return `${n.kernel![0]}x${n.kernel![1]}` === size;
    });
    const sizes = Object.entries(st.kernelsByKind).filter(([k]) => kind === 'any' || k === kind).flatMap(([, v]) => v);
    const what = featureLabel(key);
    const rule = size === 'large' ? `; large = a side ≥ ${LARGE_KERNEL} after the stem, ≥ ${LARGE_STEM_KERNEL} for the stem` : '';
    return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} ${what} op(s) in the graph` : `no ${what} in the graph${sizes.length ? ` (kernel sizes there: ${[...new Set(sizes)].join(', ')}${rule})` : ''}` };
  }
  if (key.startsWith('count:')) {
    const [, what] = key.split(':') as [string, string];
    const n = layerCount(s, what);
    const recurrent = what === 'gru' || what === 'lstm' ? sn().recurrent.filter((i) => og.nodes[i]!.category === what) : ['rnn', 'recurrent', 'layer'].includes(what) ? sn().recurrent : [];
    const noun = what === 'layer' ? (st.recurrentLayers ? 'recurrent' : s.blocks.attention ? 'transformer' : 'weighted') : what;
    return { nodes: recurrent, count: n, detail: `${n} ${noun} layer(s)${st.encoderDecoder && ['transformer', 'attention', 'encoder'].includes(what) ? ' per encoder and decoder' : ''}` };
  }
  if (key.startsWith('stem:')) {
    const stem = st.stem;
    return { nodes: convIdx.slice(0, 1), count: stem ? 1 : 0, detail: stem ? `the stem (first convolution) is a ${stem.kernel} ${stem.category.replace(/_/g, ' ')} with stride ${stem.stride}` : 'there are no convolutions' };
  }
  switch (key) {
    case 'window_attention': {
      const nodes = sn().windowAttention;
      const shape = nodes.length ? og.nodes[nodes[0]!]!.outShape : null;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} attention softmax op(s) computed per window (attention map ${JSON.stringify(shape)}: windows folded into the batch)` : 'no attention computed per window in the graph' };
    }
    case 'shifted_windows': {
      const nodes = st.windowAttention > 0 ? sn().shiftedWindows : [];
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} cyclic shift(s) (two slices concatenated back swapped, i.e. a roll) around ${st.windowAttention} windowed attention op(s)` : 'no shifted windows (no cyclic shift around windowed attention) in the graph' };
    }
    case 'patch_merging': {
      const nodes = sn().patchMerging;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} patch merging op(s) (strided slices of one tensor concatenated)` : 'no patch merging in the graph' };
    }
    case 'fused_mbconv': {
      const nodes = sn().fusedMBConv;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} fused-MBConv block(s) (a full k×k conv in place of the 1x1 expansion + depthwise conv: expanding then projected by a 1x1 conv, or alone with a residual add)` : 'no fused-MBConv block (full k×k expansion conv, 1x1 projection, residual) in the graph' };
    }
    case 'relative_position_bias': {
      const nodes = sn().relativePositionBias;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} attention op(s) add a constant table of heads × N × N to the logits before the softmax (a per-head position bias)` : 'no position-bias table added to attention logits in the graph' };
    }
    case 'layer_scale': {
      const nodes = sn().layerScale;
      return { nodes, count: nodes.length, detail: nodes.length ? `${nodes.length} learned per-channel scale(s) right before a residual add (layer scale)` : 'no learned per-channel scale before a residual add in the graph' };
    }
    case 'hierarchical':
      return { nodes: [], count: st.resolutions, detail: `feature maps at ${st.resolutions} spatial resolution(s)${st.resolutions >= 3 ? ' (multi-stage)' : ''}` };
    case 'bidirectional':
    case 'unidirectional': {
      const n = sn();
      const nodes = key === 'bidirectional' ? n.bidirectional : n.recurrent.filter((i) => !n.bidirectional.includes(i));
      if (!st.recurrentLayers && key === 'bidirectional' && hasFeature(s, 'bidirectional')) {
        return { nodes: sn().softmaxAttention, count: s.blocks.attention, detail: `a transformer encoder over tokens (${s.blocks.attention} attention blocks, no causal per-token vocabulary output): every token attends in both directions` };
      }
      const none = st.languageModel ? 'no recurrent layers, and a language model (per-token next-token output) attends one way only' : 'no recurrent layers in the graph';
      return { nodes, count: nodes.length, detail: st.recurrentLayers ? `${st.bidirectional} of ${st.recurrentLayers} recurrent layer(s) bidirectional` : none };
    }
    case 'large_kernel': {
      const nodes = convIdx.filter((i, j) => Math.max(...og.nodes[i]!.kernel!) >= (j === 0 ? LARGE_STEM_KERNEL : LARGE_KERNEL));
      const stemNote = st.stem ? `; the stem is ${st.stem.kernel}` : '';
      return { nodes, count: nodes.length, detail: `${st.maxBodyKernel ? `largest kernel side after the stem is ${st.maxBodyKernel}` : 'no convolutions after the stem'}${stemNote}${nodes.length ? ` (${nodes.length} large conv op(s): side ≥ ${LARGE_KERNEL}, or ≥ ${LARGE_STEM_KERNEL} for the stem)` : ''}` };
    }
    case 'attention':
    case 'attention_block':
      if (s.blocks.attention > 0 || (s.ops.attention ?? 0) > 0 || st.softmaxAttention === 0) return null;
      return { nodes: sn().softmaxAttention, count: st.softmaxAttention, detail: `${st.softmaxAttention} softmax op(s) whose weights multiply values (additive attention, no attention block)` };
  }
  return null;
}

/**
 * What a token model's output says about its task: one distribution over the
 * vocabulary per position (a language model, or an encoder-decoder with a
 * source and a target input) or one vector per sequence (a classifier). null
 * for other models: their task guess says it already.
 */
function outputKind(og: OpGraph, s: ArchSummary): string | null {
  const st = s.structure;
  if (!st || (st.tokenInputs === 0 && s.recurrent.length === 0)) return null;
  const shape = og.outputNodes.map((i) => og.nodes[i]!.outShape).find((x) => x !== null);
  const shown = shape ? `the output ${JSON.stringify(shape)} is ` : 'the output is ';
  if (st.languageModel) return `${shown}a score for each of the ${st.vocab} vocabulary entries at every position: a language model (next-token prediction)`;
  if (st.encoderDecoder) return `${shown}a score for each of the ${st.vocab} vocabulary entries at every target position, from a source and a target input: an encoder-decoder (sequence-to-sequence) model`;
  if (st.pooledOutput) return `${shown}one vector per sequence: a sequence classifier`;
  return null;
}

const nodeRefs = (og: OpGraph, idx: number[]) => idx.slice(0, MAX_EVIDENCE).map((i) => ({ node: og.nodes[i]!.sources[0] ?? og.nodes[i]!.id, op: og.nodes[i]!.category }));

export function evidenceFor(og: OpGraph, categories: readonly string[], limit = MAX_EVIDENCE): Array<{ node: string; op: string }> {
  const set = new Set(categories);
  const out: Array<{ node: string; op: string }> = [];
  for (const n of og.nodes) {
    if (!set.has(n.category)) continue;
    out.push({ node: n.sources[0] ?? n.id, op: n.category });
    if (out.length >= limit) break;
  }
  return out;
}

/** Biggest-parameter nodes: evidence for a parameter count. */
function paramEvidence(og: OpGraph, limit = 5): Array<{ node: string; op: string }> {
  return [...og.nodes]
    .filter((n) => n.params > 0)
    .sort((a, b) => b.params - a.params)
    .slice(0, limit)
    .map((n) => ({ node: n.sources[0] ?? n.id, op: n.category }));
}

const WEIGHTED_CATS = [...CONV_KINDS, 'linear', 'embedding', 'attention', ...RECURRENT];
const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** Learned outputs available for the cross-check (computed by the caller from the ONNX heads). */
export interface LearnedView {
  /** Answers of the QA head with sigmoid ≥ 0.5 (or the single best), with probabilities. */
  qa: Array<{ answer: string; prob: number }>;
  /** Reasoning head: probability that the (statement form of the) text is true. */
  statementProb: number | null;
}


function sameSet(a: string[], b: string[]): boolean {
  const A = new Set(a);
  return A.size === new Set(b).size && b.every((x) => A.has(x));
}

/**
 * Answers from the facts, cross-checked with the learned view. `learned` may
 * be null (e.g. in unit tests of the exact part).
 */
export function answerQuestion(question: string, s: ArchSummary, og: OpGraph, learned: LearnedView | null): AskAnswer {
  const parsed = parseQuestion(question);
  let intent = parsed.intent;
  let kind = parsed.kind;
  let understoodBy: 'rules' | 'learned' = 'rules';
  if (!intent && learned && learned.qa.length && kind !== 'statement' && kind !== 'yes_no') {
    intent = intentFromAnswer(learned.qa[0]!.answer);
    if (intent) {
      understoodBy = 'learned';
      kind = intent.type === 'which' ? 'choice' : 'value';
    }
  }
  const base = { question, kind } as const;
  if (!intent) {
    // Neither the rules nor the learned head's answer tell what is asked: report the learned answer, clearly marked.
    if (learned && (kind === 'yes_no' || kind === 'statement') && learned.statementProb !== null) {
      const yes = learned.statementProb >= 0.5;
      const conf = yes ? learned.statementProb : 1 - learned.statementProb;
      return {
        ...base,
        answer: `${kind === 'yes_no' ? (yes ? 'Yes' : 'No') : yes ? 'True' : 'False'} (learned model only, not checked against the facts: the question names nothing the facts record)`,
        value: yes,
        confidence: round(conf),
        evidence: [],
      };
    }
    if (learned && learned.qa.length) {
      const answers = learned.qa.map((a) => a.answer);
      return {
        ...base,
        kind: answers.length > 1 ? 'choice' : 'value',
        answer: `${list(answers)} (learned model only, not checked against the facts)`,
        value: answers.length > 1 ? answers : answers[0]!,
        confidence: round(Math.min(...learned.qa.map((a) => a.prob))),
        evidence: [],
      };
    }
    return { ...base, answer: 'I could not tell what is asked (try naming a layer type, block, task or size)', value: '', confidence: 0, evidence: [] };
  }

  const r = exactAnswer(intent, kind, s, og);
  let answer = r.answer;
  if (understoodBy === 'learned') answer += ' (question understood from the learned model\'s answer)';
  // Cross-check with the learned heads: facts win.
  if (learned) {
    const factStrings = factAnswerStrings(s, intent);
    if (typeof r.value === 'boolean' && learned.statementProb !== null && (intent.type === 'presence' || kind === 'statement')) {
      // The reasoning head judged the text as a statement; for a question about absence, its truth is the negation.
      const learnedTrue = learned.statementProb >= 0.5;
      const factTrue = r.value;
      if (learnedTrue !== factTrue) answer += ` (the learned model said ${kind === 'yes_no' ? (learnedTrue ? 'yes' : 'no') : learnedTrue ? 'true' : 'false'}; the graph facts say otherwise, and the facts win)`;
    } else if (factStrings && learned.qa.length && understoodBy === 'rules') {
      const said = learned.qa.map((a) => a.answer);
      // A head that answered another kind of question ("no" to "# trainable params") did not disagree: it misread; say nothing.
      if (!sameSet(said, factStrings) && sameAnswerKind(said, factStrings, intent)) answer += ` (the learned model said ${list(said)}; the graph facts say ${list(factStrings)}, and the facts win)`;
    }
  }
  return { ...base, kind, answer, value: r.value, confidence: 1, evidence: r.evidence };
}

/** Whether the learned QA head's answers are answers to the same kind of question as the facts' ones. */
function sameAnswerKind(said: string[], facts: string[], intent: Intent): boolean {
  const yesNo = (xs: string[]) => xs.every((x) => x === 'yes' || x === 'no');
  if (yesNo(said) || yesNo(facts)) return yesNo(said) && yesNo(facts);
  const i = intentFromAnswer(said[0]!);
  if (!i) return true;
  return i.type === intent.type && ('what' in i && 'what' in intent ? i.what === intent.what : true);
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

interface Exact {
  answer: string;
  value: boolean | number | string | string[];
  evidence: Array<{ node: string; op: string }>;
}

function yesNo(kind: AskKind, truth: boolean, detail: string): string {
  const head = kind === 'statement' ? (truth ? 'True' : 'False') : truth ? 'Yes' : 'No';
  return `${head}: ${detail}`;
}

function exactAnswer(intent: Intent, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  switch (intent.type) {
    case 'presence': {
      const present = intent.keys.map((k) => ({ k, has: hasFeature(s, k) }));
      const excluded = (intent.absent ?? []).map((k) => ({ k, has: hasFeature(s, k) }));
      // "does it use X?" → all present; "does it have no X?" / "it does not use X" → all absent;
      // "X instead of Y" → additionally every Y absent.
      const positive = intent.anyOf ? present.some((p) => p.has) : present.every((p) => p.has);
      const truth = (intent.negated ? present.every((p) => !p.has) : positive) && excluded.every((p) => !p.has);
      const parts = [...present, ...excluded].map((p) => {
        const sx = structuralEvidence(og, s, p.k);
        if (sx) return sx.detail;
        const count = evidenceFor(og, evidenceCategories(p.k), 1e9).length;
        const name = featureLabel(p.k);
        // The block rule's inverted residual is MBConv (1x1 expand → depthwise → 1x1 project); say so when the net expands after the depthwise conv instead.
        const dwIB = s.structure?.dwInvertedBottleneck ?? 0;
        if (!p.has && p.k === 'inverted_residual' && dwIB > 0) return `no ${name} (MBConv: 1x1 expand → depthwise → 1x1 project) block in the graph, but ${dwIB} depthwise conv → expand → project block(s) (ConvNeXt-style inverted bottlenecks)`;
        if (!p.has) return `no ${name} in the graph`;
        return BLOCK_LIKE.has(p.k) ? `${s.blocks[p.k as (typeof BLOCKS)[number]] || count} ${name} block(s) found` : `${count} ${name} op(s) in the graph`;
      });
      const evidence = [...present, ...excluded]
        .filter((p) => p.has)
        .flatMap((p) => {
          const sx = structuralEvidence(og, s, p.k);
          return sx ? nodeRefs(og, sx.nodes) : evidenceFor(og, evidenceCategories(p.k));
        });
      const unique = evidence.filter((e, i) => evidence.findIndex((o) => o.node === e.node && o.op === e.op) === i);
      return { answer: yesNo(kind, truth, parts.join('; ')), value: truth, evidence: unique.slice(0, MAX_EVIDENCE) };
    }
    case 'size_of': {
      const st = s.structure;
      if (intent.what === 'classes') {
        // The last dim of a [batch, classes] output (a per-token output's last dim is its vocabulary).
        const outIdx = og.outputNodes.find((i) => (og.nodes[i]!.outShape?.length ?? 0) === 2);
        const n = outIdx !== undefined ? og.nodes[outIdx]!.outShape![1] : null;
        return typeof n === 'number'
          ? { answer: `${n} output classes (output shape ${og.nodes[outIdx!]!.outShape!.join('x')})`, value: n, evidence: nodeRefs(og, [outIdx!]) }
          : { answer: 'The output is not one score vector per input, so there is no class count', value: 'none', evidence: [] };
      }
      if (intent.what === 'width' || intent.what === 'mlp_width' || intent.what === 'patch' || intent.what === 'max_len') return tokenModelSize(intent.what, s, og);
      if (intent.what === 'inputs' || intent.what === 'outputs') {
        const ends = intent.what === 'inputs' ? og.inputNodes : og.outputNodes;
        const shapes = ends.map((i) => og.nodes[i]!).map((n) => `${n.sources[0] ?? n.id}${n.outShape ? ` [${n.outShape.map((d) => (typeof d === 'number' ? String(d) : '?')).join(', ')}]` : ''}`);
        return { answer: `${ends.length} ${intent.what === 'inputs' ? 'input' : 'output'} tensor(s): ${shapes.join('; ')}`, value: ends.length, evidence: nodeRefs(og, ends.slice(0, MAX_EVIDENCE)) };
      }
      if (intent.what === 'heads') {
        // The attention map ends [..., heads, queries, keys]: windows or the batch sit before the heads (rank ≥ 4);
        // a rank-3 map is [batch·heads, q, k] (batch 1 at export); a rank-2 map is one additive-attention distribution.
        const att = nodesOfStructure(og, s).softmaxAttention;
        const batch = typeof s.input?.[0] === 'number' ? (s.input[0] as number) : 1;
        const heads = att
          .map((i) => og.nodes[i]!.outShape)
          .map((sh) => (!sh ? null : sh.length >= 4 ? sh[sh.length - 3] : sh.length === 3 && typeof sh[0] === 'number' ? sh[0] / batch : sh.length === 2 ? 1 : null))
          .filter((h): h is number => typeof h === 'number' && Number.isInteger(h) && h > 0);
        if (!heads.length) return { answer: att.length ? 'Unknown: the attention maps have no static shape' : 'No attention in the graph, so no heads', value: att.length ? 'unknown' : 'none', evidence: [] };
        const distinct = heads.filter((h, i) => heads.indexOf(h) === i);
        const evidence = nodeRefs(og, att.slice(0, 4));
        return distinct.length === 1
          ? { answer: `${distinct[0]} head(s) in each of the ${att.length} attention layer(s)`, value: distinct[0]!, evidence }
          : { answer: `${distinct.join(', ')} heads (varying by stage, in graph order over ${att.length} attention layers)`, value: distinct.map(String), evidence };
      }
      if (intent.what === 'vocab') {
        const emb = og.nodes.findIndex((n) => n.category === 'embedding');
        return st?.vocab
          ? { answer: `${st.vocab.toLocaleString('en-US')} entries in the embedding table (the vocabulary)`, value: st.vocab, evidence: emb >= 0 ? nodeRefs(og, [emb]) : [] }
          : { answer: 'No token embedding table in the graph, so no vocabulary', value: 'none', evidence: [] };
      }
      const nodes = nodesOfStructure(og, s).windowAttention;
      const shape = nodes.length ? og.nodes[nodes[0]!]!.outShape : null;
      const n = shape ? shape[shape.length - 1] : null;
      if (typeof n !== 'number') return { answer: 'No attention computed per window in the graph', value: 'none', evidence: [] };
      const side = Math.round(Math.sqrt(n));
      const value = side * side === n ? `${side}x${side}` : String(n);
      return { answer: `${value}: each window attends over ${n} tokens (attention map ${JSON.stringify(shape)})`, value, evidence: nodeRefs(og, nodes.slice(0, 4)) };
    }
    case 'stem': {
      const stem = s.structure?.stem ?? null;
      if (!stem) return { answer: 'There are no convolutions, so no convolutional stem', value: 'none', evidence: [] };
      const first = og.nodes.findIndex((n) => n.category === stem.category && n.kernel !== null);
      const evidence = first >= 0 ? nodeRefs(og, [first]) : [];
      const sentence = `the stem (first convolution) is a ${stem.kernel} ${stem.category.replace(/_/g, ' ')} with stride ${stem.stride}`;
      if (intent.part === 'kernel') return { answer: `${stem.kernel}: ${sentence}`, value: stem.kernel, evidence };
      if (intent.part === 'stride') return { answer: `${stem.stride}: ${sentence}`, value: stem.stride, evidence };
      return { answer: cap(sentence), value: `${stem.kernel} ${stem.category.replace(/_/g, ' ')}, stride ${stem.stride}`, evidence };
    }
    case 'params_bound': {
      // "does it have 25.6m parameters?" states a count (true within 5 %, the rounding of a 3-digit figure); "about 50m" within 20 %;
      // bounds and ranges are checked as stated (both ends of a range). "trainable parameters" leaves buffers and constants out.
      if (intent.trainable && s.trainableParams !== undefined && s.trainableParams !== s.params) {
        const r = exactAnswer({ ...intent, trainable: false }, kind, { ...s, params: s.trainableParams }, og);
        return { ...r, answer: r.answer.replace(' parameters (', ' trainable parameters (') };
      }
      const stated = statedParamCount(intent.text);
      const truth = stated
        ? Math.abs(s.params - stated.value) <= (stated.approximate ? 0.2 : 0.05) * stated.value
        : satisfies(s, { kind: intent.kind, value: intent.value, text: intent.text }) && (!intent.also || satisfies(s, { kind: intent.also.kind, value: intent.also.value, text: intent.text }));
      return { answer: yesNo(kind, truth, `it has ${s.params.toLocaleString('en-US')} parameters (${formatCount(s.params)})`), value: truth, evidence: paramEvidence(og) };
    }
    case 'lightweight': {
      const truth = s.params < 5e6;
      return { answer: yesNo(kind, truth, `${formatCount(s.params)} parameters (lightweight here means under 5m)`), value: truth, evidence: paramEvidence(og) };
    }
    case 'task_is': {
      const modalityOk = !intent.modality || satisfies(s, { kind: 'modality', modality: intent.modality, text: '' });
      const truth = taskMatches(s, intent.task) && modalityOk;
      const out = outputKind(og, s);
      const inputNote = modalityOk ? '' : `; the input is ${s.modality}, not ${intent.modality}`;
      return { answer: yesNo(kind, truth, `the graph's task guess is ${s.task}${out ? `; ${out}` : ''}${inputNote}`), value: truth, evidence: og.outputNodes.slice(0, 4).map((i) => ({ node: og.nodes[i]!.sources[0] ?? og.nodes[i]!.id, op: og.nodes[i]!.category })) };
    }
    case 'modality_is': {
      const truth = satisfies(s, { kind: 'modality', modality: intent.modality, text: '' });
      const inputs = og.inputNodes.slice(0, 4).map((i) => og.nodes[i]!);
      return { answer: yesNo(kind, truth, `the input is ${s.modality}${s.input ? ` (shape ${s.input.map((d) => (d === null ? '?' : String(d))).join('x')})` : ''}`), value: truth, evidence: inputs.map((n) => ({ node: n.sources[0] ?? n.id, op: n.category })) };
    }
    case 'kernel_cmp': {
      const bigger = s.kernelSizes.filter((k) => area(k) > intent.size);
      // "any bigger than 3x3?" is true when one is; "all at most 3x3" / "smaller than 3x3" when none exceeds it.
      const truth = intent.larger ? bigger.length > 0 : bigger.length === 0 && s.kernelSizes.length > 0;
      return { answer: yesNo(kind, truth, `kernel sizes in the graph: ${s.kernelSizes.join(', ') || 'none'}${bigger.length ? ` (larger than ${intent.text}: ${bigger.join(', ')})` : ` (none larger than ${intent.text})`}`), value: truth, evidence: [] };
    }
    case 'inputs_are': {
      const n = og.inputNodes.length;
      return { answer: yesNo(kind, n === intent.count, `the graph has ${n} input tensor(s)`), value: n === intent.count, evidence: nodeRefs(og, og.inputNodes.slice(0, 4)) };
    }
    case 'causal': {
      // The family rules look for the causal mask: a GPT-like decoder, or the decoder of an encoder-decoder Transformer.
      const truth = s.familyKey === 'gptlike' || s.familyKey === 'transformer';
      const detail = truth ? `a causal attention mask (${s.familyKey === 'gptlike' ? 'decoder-only' : 'in the decoder of an encoder-decoder'})` : s.blocks.attention > 0 ? 'no causal mask on the attention (a bidirectional encoder)' : 'no attention, so no attention mask';
      return { answer: yesNo(kind, truth, detail), value: truth, evidence: [] };
    }
    case 'kind_is': {
      // A hybrid convolution-attention network is both a convnet and a transformer.
      const truth = s.kind === intent.kind || (s.kind === 'hybrid' && (intent.kind === 'transformer' || intent.kind === 'convolutional'));
      return { answer: yesNo(kind, truth, `the graph is a ${KIND_CANON[s.kind]}`), value: truth, evidence: [] };
    }
    case 'family_is': {
      const truth = familyAgrees(s, intent.family);
      const fam = s.family ? (familyInfo(s.familyKey)?.display ?? s.family) : 'no known family';
      return { answer: yesNo(kind, truth, `the graph matches ${fam}`), value: truth, evidence: [] };
    }
    case 'which': {
      // Softmax (attention weights, output probabilities) is an activation in the graph too; the QA vocabulary keeps it apart.
      const strings = [...factAnswerStrings(s, intent)!.filter((x) => x !== 'none'), ...(intent.what === 'activation' ? s.outputActivations.map(canon) : [])];
      const cats: string[] =
        intent.what === 'norm' ? s.norms : intent.what === 'activation' ? s.activations : intent.what === 'pooling' ? s.pooling : intent.what === 'kernels' && intent.convKind ? [intent.convKind] : intent.what === 'conv_kinds' || intent.what === 'kernels' ? s.convKinds : intent.what === 'recurrent' ? s.recurrent : [];
      const evidence =
        intent.what === 'blocks'
          ? BLOCKS.filter((b) => s.blocks[b] > 0).flatMap((b) => evidenceFor(og, evidenceCategories(b), 3))
          : evidenceFor(og, cats.flatMap((c) => [c]), MAX_EVIDENCE);
      const label = { norm: 'normalization', activation: 'activation functions', pooling: 'pooling', kernels: intent.convKind ? `${intent.convKind.replace(/_/g, ' ')} kernel sizes` : 'convolution kernel sizes', blocks: 'block types', conv_kinds: 'convolution types', recurrent: 'recurrent layers' }[intent.what];
      return { answer: strings.length ? `${cap(label)}: ${list(strings)}` : `None: the graph has no ${label}`, value: strings, evidence: evidence.slice(0, MAX_EVIDENCE) };
    }
    case 'which_of': {
      const chosen = intent.options.filter((k) => (intent.negated ? !hasFeature(s, k) : hasFeature(s, k)));
      const names = chosen.map(canon);
      const evidence = intent.negated ? [] : chosen.flatMap((k) => evidenceFor(og, evidenceCategories(k), 4));
      return { answer: names.length ? `${cap(list(names))}` : `None of them`, value: names, evidence: evidence.slice(0, MAX_EVIDENCE) };
    }
    case 'quantity': {
      const checks = intent.constraints.map((c) => {
        // Feature counts through the same path as "how many X?", so the two answers always agree.
        const metric = ['depth', 'layers', 'macs', 'flops'].includes(c.what);
        const counted = metric ? null : exactAnswer({ type: 'count', what: 'op', key: c.what }, 'value', s, og);
        const x = metric ? quantityOf(s, c.what) : typeof counted!.value === 'number' ? counted!.value : null;
        const label = metric ? { depth: 'graph depth (weighted layers on the longest path)', layers: 'weighted layers', macs: 'MACs', flops: 'FLOPs' }[c.what]! : featureLabel(c.what);
        const holds = x !== null && compare(x, c.cmp, c.value);
        const shown = x === null ? 'unknown' : ['macs', 'flops'].includes(c.what) ? formatCount(x) : x.toLocaleString('en-US');
        const stated = `stated: ${CMP_TEXT[c.cmp]} ${['macs', 'flops'].includes(c.what) ? formatCount(c.value) : c.value}`;
        const detail = metric ? `${label} ${shown} (${stated})` : `${shown} ${label}${BLOCK_LIKE.has(c.what) ? ' block(s)' : ' op(s)'} in the graph (${stated})`;
        return { holds, detail, evidence: counted?.evidence ?? [] };
      });
      const truth = checks.every((c) => c.holds);
      return { answer: yesNo(kind, truth, checks.map((c) => c.detail).join('; ')), value: truth, evidence: checks.flatMap((c) => c.evidence).slice(0, MAX_EVIDENCE) };
    }
    case 'count': {
      if (intent.what === 'params' && intent.key) {
        const cats = intent.key === 'conv' ? [...CONV_KINDS] : intent.key === 'normalization' ? evidenceCategories('normalization') : intent.key === 'recurrent' ? [...RECURRENT] : [intent.key];
        const by = s.paramsByCategory;
        if (by) {
          const n = cats.reduce((a, c) => a + (by[c] ?? 0), 0);
          return { answer: `${n.toLocaleString('en-US')} parameters in ${featureLabel(intent.key)} layers (${formatCount(n)} of ${formatCount(s.params)})`, value: n, evidence: evidenceFor(og, cats) };
        }
      }
      if (intent.what === 'params' && intent.trainable && s.trainableParams !== undefined) {
        const t = s.trainableParams;
        const rest = s.params - t;
        return { answer: `${t.toLocaleString('en-US')} trainable parameters (${formatCount(t)})${rest > 0 ? `; ${s.params.toLocaleString('en-US')} with the ${rest.toLocaleString('en-US')} buffers and constants` : ''}`, value: t, evidence: paramEvidence(og) };
      }
      if (intent.what === 'params') return { answer: `${s.params.toLocaleString('en-US')} parameters (${formatCount(s.params)})`, value: s.params, evidence: paramEvidence(og) };
      if (intent.what === 'macs') {
        return s.macs === null
          ? { answer: 'Unknown: the MACs could not be computed for this graph (see describe notes)', value: 0, evidence: [] }
          : { answer: `${s.macs.toLocaleString('en-US')} multiply-accumulates (${formatCount(s.macs)} MACs, about ${formatCount(2 * s.macs)} FLOPs)`, value: s.macs, evidence: paramEvidence(og) };
      }
      if (intent.what === 'depth') return { answer: `${s.depth} weighted layers on the longest path`, value: s.depth, evidence: [] };
      if (intent.what === 'transformer_layers') {
        const n = layerCount(s, 'transformer');
        const st = s.structure;
        return { answer: n ? `${n} transformer layer(s)${st?.encoderDecoder ? ' in each of the encoder and the decoder' : ''} (${s.blocks.attention} attention blocks)` : 'No transformer layers: the graph has no attention', value: n, evidence: evidenceFor(og, ['attention', 'softmax'], MAX_EVIDENCE) };
      }
      if (intent.what === 'layers') {
        // Said of a transformer or recurrent net, "layers" often means its transformer / recurrent layers: name those too.
        const tl = layerCount(s, 'transformer');
        const rl = layerCount(s, 'recurrent');
        const also = rl > 0 ? `; ${rl} recurrent layer(s)` : tl > 0 ? `; ${tl} transformer layer(s)` : '';
        return { answer: `${s.weightedLayers} weighted layers (convolution, linear, embedding, attention, recurrent)${also}`, value: s.weightedLayers, evidence: evidenceFor(og, WEIGHTED_CATS) };
      }
      const key = intent.key!;
      const sx = structuralEvidence(og, s, key);
      if (sx && key !== 'hierarchical') return { answer: sx.detail.startsWith(`${sx.count} `) ? sx.detail : `${sx.count}: ${sx.detail}`, value: sx.count, evidence: nodeRefs(og, sx.nodes) };
      const cats = evidenceCategories(key);
      const n = BLOCK_LIKE.has(key) ? s.blocks[key as (typeof BLOCKS)[number]] : og.nodes.filter((x) => cats.includes(x.category)).length;
      return { answer: `${n} ${key.replace(/_/g, ' ')}${BLOCK_LIKE.has(key) ? ' block(s)' : ' op(s)'}`, value: n, evidence: evidenceFor(og, cats) };
    }
    case 'what': {
      switch (intent.what) {
        case 'task': {
          const task = specificTask(s);
          return { answer: `${cap(task)}${outputKind(og, s) ? ` (${outputKind(og, s)})` : ''}`, value: task, evidence: og.outputNodes.slice(0, 4).map((i) => ({ node: og.nodes[i]!.sources[0] ?? og.nodes[i]!.id, op: og.nodes[i]!.category })) };
        }
        case 'family': {
          const fam = s.family ? (familyInfo(s.familyKey)?.display ?? s.family) : null;
          // The typed value is always the facts' family key (family.guess: "swin", "regnet", "mobilenet_v2"); the sentence uses the display name.
          return { answer: fam ? `${fam} (matched by the graph's structure)` : 'No known family matches the graph', value: s.family ?? 'unknown', evidence: [] };
        }
        case 'kind':
          return { answer: cap(KIND_CANON[s.kind]!), value: KIND_CANON[s.kind]!, evidence: [] };
        case 'role': {
          const st = s.structure;
          const role = st?.encoderDecoder || s.familyKey === 'transformer' ? 'encoder-decoder' : s.familyKey === 'gptlike' || st?.languageModel ? 'decoder' : s.familyKey === 'bertlike' ? 'encoder' : null;
          return role
            ? { answer: `${cap(role)}${role === 'decoder' ? ' (causal, predicts the next token)' : role === 'encoder' ? ' (bidirectional attention, no causal mask)' : ' (reads a source sequence, generates a target)'}`, value: role, evidence: [] }
            : { answer: 'Neither: it is not a sequence encoder or decoder', value: 'none', evidence: [] };
        }
        case 'after_conv':
          return s.afterConv
            ? { answer: `${cap(canon(s.afterConv))} most often follows a convolution`, value: canon(s.afterConv), evidence: evidenceFor(og, [s.afterConv]) }
            : { answer: 'There are no convolutions', value: 'none', evidence: [] };
        case 'modality':
          return { answer: cap(s.modality), value: kind === 'choice' ? [s.modality] : s.modality, evidence: [] };
        case 'largest_kernel': {
          const ks = [...s.kernelSizes].sort((a, b) => area(b) - area(a));
          return ks.length ? { answer: `${ks[0]}`, value: ks[0]!, evidence: [] } : { answer: 'There are no convolutions', value: 'none', evidence: [] };
        }
        case 'year': {
          const info = familyInfo(s.familyKey);
          return info ? { answer: `${info.year} (${info.display})`, value: info.year, evidence: [] } : { answer: 'Unknown: no known family matches the graph', value: 'unknown', evidence: [] };
        }
        case 'output': {
          const outs = og.outputNodes.map((i) => og.nodes[i]!).filter((n) => n.outShape);
          const shape = outs[0]?.outShape ? outs[0].outShape.map((d) => (typeof d === 'number' ? String(d) : '?')).join('x') : 'unknown';
          const kindNote = outputKind(og, s);
          return { answer: `Output shape ${shape}${kindNote ? `: ${kindNote}` : ''}`, value: shape, evidence: og.outputNodes.slice(0, 4).map((i) => ({ node: og.nodes[i]!.sources[0] ?? og.nodes[i]!.id, op: og.nodes[i]!.category })) };
        }
        case 'input': {
          const shape = s.input ? s.input.map((d) => (d === null ? '?' : String(d))).join('x') : 'unknown';
          return { answer: `Input shape ${shape}`, value: shape, evidence: og.inputNodes.slice(0, 4).map((i) => ({ node: og.nodes[i]!.sources[0] ?? og.nodes[i]!.id, op: og.nodes[i]!.category })) };
        }
      }
    }
  }
  return { answer: '', value: '', evidence: [] };
}


/**
 * Sizes of a token / sequence model read off the graph: the hidden width
 * (recurrent hidden size, else token embedding width, else the patch
 * embedding's channels), the MLP's hidden width (linear layers followed by an
 * activation, the most common width), the patch size (a stem whose kernel
 * equals its stride) and the longest sequence (rows of the position table).
 */
function tokenModelSize(what: 'width' | 'mlp_width' | 'patch' | 'max_len', s: ArchSummary, og: OpGraph): Exact {
  const nodesOf = (cats: readonly string[]) => og.nodes.map((n, i) => [n, i] as const).filter(([n]) => cats.includes(n.category));
  const last = (n: { outShape: Array<number | string | null> | null }) => (n.outShape && typeof n.outShape[n.outShape.length - 1] === 'number' ? (n.outShape[n.outShape.length - 1] as number) : null);
  if (what === 'patch') {
    const stem = s.structure?.stem;
    if (!stem) return { answer: 'No convolutional stem, so no patches', value: 'none', evidence: [] };
    const patchify = stem.kernel === `${stem.stride}x${stem.stride}` && stem.stride > 1;
    return patchify
      ? { answer: `${stem.kernel}: the stem is a ${stem.kernel} conv with stride ${stem.stride} (non-overlapping patches)`, value: stem.kernel, evidence: [] }
      : { answer: `No patch embedding: the stem is a ${stem.kernel} conv with stride ${stem.stride} (overlapping windows)`, value: 'none', evidence: [] };
  }
  if (what === 'mlp_width') {
    const succ = new Map<number, number[]>();
    for (const [a, b] of og.edges) succ.set(a, [...(succ.get(a) ?? []), b]);
    const acts = new Set(['gelu', 'relu', 'silu', 'relu6', 'hard_swish', 'tanh', 'leaky_relu', 'elu', 'mish']);
    const widths = nodesOf(['linear']).filter(([, i]) => (succ.get(i) ?? []).some((j) => acts.has(og.nodes[j]!.category))).map(([n]) => n.outChannels ?? last(n)).filter((w): w is number => typeof w === 'number');
    if (!widths.length) return { answer: 'No MLP (a linear layer followed by an activation) in the graph', value: 'none', evidence: [] };
    const counts = new Map<number, number>();
    for (const w of widths) counts.set(w, (counts.get(w) ?? 0) + 1);
    const [w] = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    return { answer: `${w}: the hidden width of ${counts.get(w)} of the ${widths.length} MLP layer(s) (a linear layer followed by an activation)`, value: w, evidence: [] };
  }
  const emb = nodesOf(['embedding']).map(([n, i]) => ({ n, i, dim: n.outChannels ?? last(n), rows: 0 })).map((e) => ({ ...e, rows: e.dim ? Math.round(e.n.params / e.dim) : 0 }));
  if (what === 'max_len') {
    // The vocabulary is the largest table; the position table is the next one of some size.
    const tables = [...emb].sort((a, b) => b.rows - a.rows);
    const pos = tables.slice(1).find((t) => t.rows >= 16);
    if (pos) return { answer: `${pos.rows} positions (rows of the position embedding table)`, value: pos.rows, evidence: nodeRefs(og, [pos.i]) };
    const len = s.input?.[1];
    return typeof len === 'number' && (s.structure?.tokenInputs ?? 0) > 0
      ? { answer: `No position table; the graph was exported for sequences of ${len} tokens`, value: len, evidence: [] }
      : { answer: 'No sequence length: the input is not a token sequence', value: 'none', evidence: [] };
  }
  const rec = nodesOf(RECURRENT);
  const recW = rec.length ? last(rec[0]![0]) : null;
  if (recW) return { answer: `${recW}: the hidden size of the first recurrent layer`, value: recW, evidence: nodeRefs(og, [rec[0]![1]]) };
  const e = [...emb].sort((a, b) => b.rows - a.rows)[0];
  if (e?.dim) return { answer: `${e.dim}: the width of the token embeddings`, value: e.dim, evidence: nodeRefs(og, [e.i]) };
  const stem = nodesOf([...CONV_KINDS]).find(([n]) => n.kernel);
  if (s.blocks.attention > 0 && stem?.[0].outChannels) return { answer: `${stem[0].outChannels}: the width of the patch embeddings`, value: stem[0].outChannels, evidence: nodeRefs(og, [stem[1]]) };
  return { answer: 'No single hidden size: the channel width changes through the network', value: 'none', evidence: [] };
}


/**
 * The task in words. The graph-level guess says only "sequence modeling" for
 * a token-input network; what its output predicts tells a text classifier
 * (one vector per sequence) from a language model (a vocabulary score per
 * token) or an encoder-decoder.
 */
function specificTask(s: ArchSummary): string {
  const st = s.structure;
  if (!st || !(st.tokenInputs > 0 || s.recurrent.length > 0) || !/sequence/.test(s.task)) return s.task;
  if (st.encoderDecoder) return 'sequence-to-sequence (translation)';
  if (st.languageModel) return 'language modeling';
  if (st.pooledOutput) return s.modality === 'text' ? 'text classification' : 'sequence classification';
  return s.task;
}

const area = (k: string) => k.split('x').reduce((p, v) => p * Number(v), 1);

/** The graph nodes behind the structure facts (window attention, attention softmaxes, …), for the summary's input. */
const nodesOfStructure = (og: OpGraph, s: ArchSummary) => structureNodes(og, { inputs: [{ name: 'input', shape: s.input, dtype: 'float32' }] });
const cap = (t: string) => (t ? t[0]!.toUpperCase() + t.slice(1) : t);


export { POOLING };

// ---- learned heads (ONNX) -------------------------------------------------

import { embedTexts, type ArchEncoding } from './model/embed.js';
import { pickAnswers, qaLogits, reasoningProbs } from './model/heads.js';
import type { ModelSet } from './model/model-set.js';

/**
 * Runs the QA head on the question and, for yes/no questions about presence
 * and for statements, the reasoning head on the statement form.
 * QA prediction as in the metric definition (heads.ts pickAnswers).
 */
export async function learnedView(set: ModelSet, question: string, arch: Pick<ArchEncoding, 'embedding'>): Promise<LearnedView> {
  const parsed = parseQuestion(question);
  const wantsStatement = parsed.kind === 'statement' || parsed.kind === 'yes_no';
  const texts = [normalizeQuestion(question)];
  if (wantsStatement) texts.push(statementForm(question, parsed.intent));
  const emb = await embedTexts(set, texts);
  const [logits] = await qaLogits(set, [emb[0]!], [arch.embedding]);
  const qa = pickAnswers(logits!, set.answers);
  let statementProb: number | null = null;
  if (wantsStatement) statementProb = (await reasoningProbs(set, [emb[1]!], [arch.embedding]))[0]!;
  return { qa, statementProb };
}
