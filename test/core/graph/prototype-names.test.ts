/**
 * Issue 15, case 3: names read from a model file (op types, Keras class names,
 * layer / node / tensor names, attribute names) that are also members of
 * Object.prototype ("constructor", "__proto__", "toString", …) must behave as
 * any other unknown name: every loader and the whole analysis (facts, the
 * ArchBERT summary and featurizer, a fact answer) either succeeds or throws
 * InputError — never "op.endsWith is not a function" or another TypeError.
 *
 * Each case starts from a real fixture and changes one thing: a node's op type
 * (or layer class), one name renamed consistently everywhere it appears, or an
 * extra attribute.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { analyzeModelFile } from '../../../src/core/archbert/facts/model-file.js';
import { featurize } from '../../../src/core/archbert/model/featurize.js';
import { answerQuestion } from '../../../src/core/archbert/ask.js';
import { describeFacts } from '../../../src/core/graph/analyze.js';
import { rankCandidates, whyString } from '../../../src/core/archbert/find.js';
import { parseConstraints } from '../../../src/core/archbert/language/constraints.js';

const { onnx } = onnxProto;
const ROOT = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'graphs');
const NAMES = Object.getOwnPropertyNames(Object.prototype);
const tmp = mkdtempSync(join(tmpdir(), 'archbert-proto-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Loads and analyses one file the way describe/ask/index/find do; 'ok' or 'rejected' (InputError). */
async function throughEverything(file: string, unknownOps = 0): Promise<'ok' | 'rejected'> {
  try {
    const facts = await describeFacts(file);
    expect(typeof facts.params.total).toBe('number');
    // An op type no table knows is counted as "other", like any unknown op.
    if (unknownOps > 0) expect(facts.ops.other).toBeGreaterThanOrEqual(unknownOps);
    const m = await analyzeModelFile(file);
    featurize(m.opGraph);
    for (const q of ['how many parameters?', 'which ops does it use?', 'does it use batch norm?']) {
      expect(typeof answerQuestion(q, m.summary, m.opGraph, null).answer).toBe('string');
    }
    return 'ok';
  } catch (e) {
    if (e instanceof InputError) {
      expect(e.message).not.toContain('\n');
      return 'rejected';
    }
    throw new Error(`${file}: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

/** Every string in a JSON document equal to `from` (or `from:K`, a TF tensor) becomes `to` (or `to:K`). */
function renameEverywhere(doc: unknown, from: string, to: string): unknown {
  if (typeof doc === 'string') {
    if (doc === from) return to;
    if (doc.startsWith(`${from}:`) && /^\d+$/.test(doc.slice(from.length + 1))) return to + doc.slice(from.length);
    if (doc === `^${from}`) return `^${to}`;
    return doc;
  }
  if (Array.isArray(doc)) return doc.map((x) => renameEverywhere(x, from, to));
  if (doc && typeof doc === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(doc)) out[k] = renameEverywhere(v, from, to);
    return out;
  }
  return doc;
}

interface JsonFormat {
  fixture: string;
  /** The list of nodes / layers in the document. */
  nodes: (doc: any) => any[];
  /** Index of the node whose op / class is replaced (a middle one, so the graph stays connected). */
  at: (nodes: any[]) => number;
  op: (node: any, name: string) => void;
  nameOf: (node: any) => string;
  attr: (node: any, name: string) => void;
}

const JSON_FORMATS: Record<string, JsonFormat> = {
  keras3: {
    fixture: 'keras3_functional.json',
    nodes: (d) => d.config.layers,
    at: (ns) => ns.findIndex((l) => l.class_name === 'ReLU'),
    op: (l, name) => (l.class_name = name),
    nameOf: (l) => l.config.name,
    attr: (l, name) => (l.config[name] = 3),
  },
  tfjsLayers: {
    fixture: 'tfjs_cnn.json',
    nodes: (d) => d.modelTopology.model_config?.config?.layers ?? d.modelTopology.config.layers,
    at: (ns) => Math.floor(ns.length / 2),
    op: (l, name) => (l.class_name = name),
    nameOf: (l) => l.config.name,
    attr: (l, name) => (l.config[name] = 'x'),
  },
  tfjsGraph: {
    fixture: 'tfjs_graph_block.json',
    nodes: (d) => d.modelTopology.node,
    at: (ns) => ns.findIndex((n) => n.op === 'Relu' || n.op === 'Relu6' || n.op === 'Mean'),
    op: (n, name) => (n.op = name),
    nameOf: (n) => n.name,
    attr: (n, name) => ((n.attr ??= {})[name] = { i: '2' }),
  },
  native: {
    fixture: 'native_residual.json',
    nodes: (d) => d.nodes,
    at: (ns) => ns.findIndex((n) => n.op === 'Relu'),
    op: (n, name) => (n.op = name),
    nameOf: (n) => n.id,
    attr: (n, name) => ((n.attrs ??= {})[name] = 2),
  },
};

describe.each(Object.entries(JSON_FORMATS))('%s: Object.prototype member names', (label, f) => {
  const original = JSON.parse(readFileSync(join(ROOT, f.fixture), 'utf8'));
  it('fixture itself analyses', async () => {
    const p = join(tmp, `${label}-orig-${f.fixture}`);
    writeFileSync(p, JSON.stringify(original));
    expect(await throughEverything(p)).toBe('ok');
  });

  it.each(NAMES)('%s as op type / layer class, node or layer name, tensor name and attribute', async (name) => {
    const write = (doc: unknown, what: string) => {
      const p = join(tmp, `${label}-${what}-${name}-${f.fixture}`);
      writeFileSync(p, JSON.stringify(doc));
      return p;
    };
    const asOp = structuredClone(original);
    const ns = f.nodes(asOp);
    const at = f.at(ns);
    expect(at).toBeGreaterThan(0);
    f.op(ns[at], name);
    // An unknown op or layer class is carried as an unknown op, as any other unknown name.
    expect(await throughEverything(write(asOp, 'op'), 1)).toBe('ok');

    const asAttr = structuredClone(original);
    f.attr(f.nodes(asAttr)[at], name);
    expect(await throughEverything(write(asAttr, 'attr'))).toBe('ok');

    // The node / layer name (and so its output tensors) renamed everywhere: nothing about the graph changes.
    const target = f.nameOf(f.nodes(original)[at]);
    const renamed = renameEverywhere(original, target, name);
    expect(await throughEverything(write(renamed, 'name'))).toBe('ok');
  });
});

describe('onnx: Object.prototype member names', () => {
  const bytes = readFileSync(join(ROOT, 'tiny_resnet.onnx'));
  const decode = () => onnx.ModelProto.decode(bytes);

  it.each(NAMES)('%s as op type, node name, tensor name and attribute name', async (name) => {
    const write = (m: onnxProto.onnx.ModelProto, what: string) => {
      const p = join(tmp, `onnx-${what}-${name}.onnx`);
      writeFileSync(p, onnx.ModelProto.encode(m).finish());
      return p;
    };
    const asOp = decode();
    const nodes = asOp.graph!.node!;
    const at = nodes.findIndex((n) => n.opType === 'Relu');
    expect(at).toBeGreaterThan(0);
    nodes[at]!.opType = name;
    expect(await throughEverything(write(asOp, 'op'), 1)).toBe('ok');

    const asAttr = decode();
    asAttr.graph!.node![at]!.attribute!.push(onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: 2 }));
    asAttr.graph!.node![at]!.name = name;
    expect(await throughEverything(write(asAttr, 'attr'))).toBe('ok');

    // One intermediate tensor and one initializer renamed everywhere they appear.
    const renamed = decode();
    const g = renamed.graph!;
    const tensor = g.node![at]!.output![0]!;
    const init = g.initializer![0]!.name!;
    const swap = (s: string) => (s === tensor ? name : s === init ? `${name}_w` === name ? s : name + '.' : s);
    for (const n of g.node!) {
      n.input = n.input!.map(swap);
      n.output = n.output!.map(swap);
    }
    for (const t of g.initializer!) t.name = swap(t.name!);
    for (const v of [...g.input!, ...g.output!, ...(g.valueInfo ?? [])]) v.name = swap(v.name!);
    expect(await throughEverything(write(renamed, 'tensor'))).toBe('ok');
  });
});

describe('question and query text naming Object.prototype members', () => {
  it.each(NAMES)('%s in a question to ask and a query to find', async (name) => {
    const m = await analyzeModelFile(join(ROOT, 'tiny_resnet.onnx'));
    for (const q of [`does it use ${name}?`, `how many ${name} layers?`, name, `it has 3 ${name}`, `which ${name} does it use?`]) {
      expect(typeof answerQuestion(q, m.summary, m.opGraph, null).answer).toBe('string');
    }
    for (const q of [`a ${name} model`, `a network with ${name} under 5M parameters`, `without ${name}`]) {
      const cs = parseConstraints(q);
      expect(typeof whyString(m.summary, q, cs)).toBe('string');
      const ranked = rankCandidates(q, [{ name: 'tiny', file: 'tiny_resnet.onnx', summary: m.summary, score: 0.5 } as never], cs, 5);
      expect(ranked.length).toBeLessThanOrEqual(1);
    }
  });
});

describe('names from files and arguments key no plain object (etran eval, rank --json, describe --input-shape)', () => {
  it('a model or input called __proto__ / constructor is an ordinary key', async () => {
    const { truthFromFile } = await import('../../../src/core/etran/eval-files.js');
    const truth = truthFromFile(JSON.parse('{"__proto__": 0.5, "constructor": 0.25, "resnet": 0.75}'), 'truth.json');
    expect(Object.keys(truth).sort()).toEqual(['__proto__', 'constructor', 'resnet']);
    expect(truth['__proto__']).toBe(0.5);
    const { extractionSummary } = await import('../../../src/commands/etran/features.js');
    const feature = (name: string) => ({ name, images: 3, seconds: 1, cached: false });
    const summary = extractionSummary({ features: [feature('__proto__'), feature('constructor')] } as unknown as Parameters<typeof extractionSummary>[0]);
    expect(Object.keys(summary)).toEqual(['__proto__', 'constructor']);
    const { parseInputShapes } = await import('../../../src/commands/archbert/describe.js');
    expect(Object.keys(parseInputShapes(['__proto__=1x3x8x8'])!)).toEqual(['__proto__']);
  });
});
