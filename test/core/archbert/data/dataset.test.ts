import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../../../helpers/jsonl.js';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { buildDataset, type BuildResult } from '../../../../src/core/archbert/data/dataset.js';
import { Tokenizer, normalizeText, preTokenize } from '../../../../src/core/archbert/model/tokenizer.js';
import { knownWordIds } from '../../../../src/core/archbert/model/unknown-words.js';
import { repoRoot, runCli } from '../../../helpers/cli.js';
import { rmSync } from 'node:fs';

const FIXTURES = join(repoRoot, 'fixtures', 'models');
const REAL = [
  { file: 'convnext_tiny.onnx', name: 'convnext_tiny', family: 'ConvNeXt', variant: 'tiny', task: 'image classification' },
  { file: 'regnet_y_400mf.onnx', name: 'regnet_y_400mf', family: 'RegNet', variant: 'y_400mf', task: 'image classification' },
  { file: 'resnet18.onnx', name: 'resnet18', family: 'ResNet', variant: '18', task: 'image classification' },
  { file: 'mobilenet_v2.onnx', name: 'mobilenet_v2', family: 'MobileNetV2', variant: 'v2', task: 'image classification' },
  { file: 'densenet121.onnx', name: 'densenet121', family: 'DenseNet', variant: '121', task: 'image classification' },
];


let work: string;
let realDir: string;
let built: BuildResult;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'archbert-ds-'));
  realDir = join(work, 'real');
  mkdirSync(realDir);
  for (const r of REAL) copyFileSync(join(FIXTURES, r.file), join(realDir, r.file));
  // one entry whose file is missing: it must be skipped and reported, not abort the build
  writeFileSync(join(realDir, 'index.json'), JSON.stringify([...REAL, { file: 'missing.onnx', name: 'missing', family: 'VGG', task: 'image classification' }]));
  built = await buildDataset({ realDir, generated: 80, seed: 3, out: join(work, 'out') }, graphDeps);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('dataset build (real fixtures + generated)', () => {
  it('writes every contract file with consistent counts', () => {
    const out = join(work, 'out');
    for (const f of ['vocab.json', 'ops.json', 'bins.json', 'answers.json', 'graphs.jsonl', 'texts.jsonl', 'qa.jsonl', 'statements.jsonl', 'manifest.json'])
      expect(existsSync(join(out, f)), f).toBe(true);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.graphs.real).toBe(5);
    expect(m.graphs.generated).toBe(80);
    expect(m.skipped_real.map((s: { file: string }) => s.file)).toEqual(['missing.onnx']);
    for (const f of ['graphs.jsonl', 'texts.jsonl', 'qa.jsonl', 'statements.jsonl']) expect(readJsonl(join(out, f))).toHaveLength(m.files[f].lines);
    expect(m.data_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(m).toEqual(built.manifest);
  });

  it('graphs: ≤ 512 nodes, valid edges in topological order, held-out families only in heldout', () => {
    const graphs = readJsonl(join(work, 'out', 'graphs.jsonl'));
    const ops = JSON.parse(readFileSync(join(work, 'out', 'ops.json'), 'utf8')).ops as string[];
    for (const g of graphs) {
      expect(g.n).toBeLessThanOrEqual(512);
      expect(g.ops).toHaveLength(g.n);
      expect(g.bins).toHaveLength(g.n);
      for (const o of g.ops) expect(o >= 2 && o < ops.length).toBe(true);
      for (const [a, b] of g.edges) expect(a < b && b < g.n).toBe(true);
      const heldFamily = g.family && ['convnext', 'regnet'].includes(g.family.toLowerCase());
      expect(g.split === 'heldout').toBe(Boolean(heldFamily));
    }
    const densenet = graphs.find((g) => g.name === 'densenet121');
    expect(densenet.original_nodes).toBeGreaterThan(0);
  });

  it('token ids decode back to the text; vocabulary and answers come from the train split only', () => {
    const out = join(work, 'out');
    const tok = Tokenizer.fromJSON(JSON.parse(readFileSync(join(out, 'vocab.json'), 'utf8')));
    const texts = readJsonl(join(out, 'texts.jsonl'));
    const qa = readJsonl(join(out, 'qa.jsonl'));
    const st = readJsonl(join(out, 'statements.jsonl'));
    let left = 0;
    for (const t of [...texts, ...st]) {
      expect(t.tokens[0]).toBe(2);
      expect(t.tokens[t.tokens.length - 1]).toBe(3);
      if (t.kind === 'caption') {
        if (t.tokens.length < 64) expect(tok.decode(t.tokens)).toBe(normalizeText(t.text));
        continue;
      }
      // what the text encoder reads: the text's ids without the words the vocabulary lacks, as the runtime feeds it
      const whole = tok.encode(t.text, { maxLength: 64 }).ids;
      expect(t.tokens).toEqual(knownWordIds(whole, tok));
      if (t.tokens.length < whole.length) left++;
      else if (whole.length < 64) expect(tok.decode(t.tokens)).toBe(normalizeText(t.text));
    }
    // the held-out families' names are such words
    expect(left).toBeGreaterThan(0);
    const trainWords = new Set<string>();
    for (const t of [...texts, ...st]) if (t.split === 'train') for (const w of preTokenize(t.text)) trainWords.add(w);
    for (const q of qa) if (q.split === 'train') for (const w of preTokenize(q.question)) trainWords.add(w);
    for (const w of tok.tokens.slice(7)) if (w.length > 1 && !w.startsWith('##') && !trainWords.has(w)) {
      // a piece may be a frequent prefix of train words; a whole word must occur in train text
      expect([...trainWords].some((x) => x.startsWith(w)), w).toBe(true);
    }
    const answers = JSON.parse(readFileSync(join(out, 'answers.json'), 'utf8')).answers as string[];
    const trainAnswers = new Set(qa.filter((q) => q.split === 'train').flatMap((q) => q.answers));
    expect(new Set(answers)).toEqual(trainAnswers);
    for (const q of qa) expect(q.answer_ids.map((i: number) => answers[i])).toEqual(q.answers.filter((a: string) => trainAnswers.has(a)));
    // the held-out families' names never become answers
    expect(answers).not.toContain('convnext');
    expect(answers).not.toContain('regnet');
    // ... nor appear in any non-held-out text (no leakage through negatives or generated captions)
    for (const t of [...texts, ...st, ...qa.map((q) => ({ split: q.split, text: q.question }))]) {
      if (t.split !== 'heldout') expect(t.text.toLowerCase(), t.text).not.toMatch(/convnext|regnet|swin|efficientnetv2/);
    }
  });

  it('real graphs get several captions, queries, QA pairs and statements; family questions are flagged', () => {
    const texts = readJsonl(join(work, 'out', 'texts.jsonl')).filter((t) => t.graph_id === 'real:resnet18');
    expect(texts.filter((t) => t.kind === 'caption').length).toBeGreaterThanOrEqual(5);
    expect(texts.filter((t) => t.kind === 'query').length).toBeGreaterThanOrEqual(5);
    const qa = readJsonl(join(work, 'out', 'qa.jsonl')).filter((q) => q.graph_id === 'real:resnet18');
    expect(qa.length).toBeGreaterThanOrEqual(10);
    const fam = qa.filter((q) => q.family_question && q.question.includes('family'));
    for (const q of fam) expect(q.answers[0] === 'resnet' || /^\d{4}$/.test(q.answers[0])).toBe(true);
    const st = readJsonl(join(work, 'out', 'statements.jsonl')).filter((s) => s.graph_id === 'real:resnet18');
    expect(st.some((s) => s.label === 1) && st.some((s) => s.hard_negative)).toBe(true);
  });

  it('names the design ideas found in the graphs: canonical captions list them, key-idea answers are idea labels in answers.json', () => {
    const out = join(work, 'out');
    const canonical = readJsonl(join(out, 'texts.jsonl')).filter((t) => t.canonical);
    expect(canonical.every((t) => / ideas: [^.]+\./.test(t.text))).toBe(true);
    const densenet = canonical.find((t) => t.graph_id === 'real:densenet121');
    expect(densenet.text).toMatch(/ideas: [^.]*dense connectivity/);
    const qa = readJsonl(join(out, 'qa.jsonl'));
    const key = qa.filter((q) => q.template === 'key_idea');
    expect(key.length).toBeGreaterThan(0);
    const answers = JSON.parse(readFileSync(join(out, 'answers.json'), 'utf8')).answers as string[];
    const labels = key.filter((q) => q.split === 'train').flatMap((q) => q.answers).filter((a: string) => a !== 'none');
    expect(labels.length).toBeGreaterThan(0);
    for (const a of labels) expect(answers).toContain(a);
    // absent ideas are asked about too, and answered no
    expect(qa.filter((q) => q.template === 'has_idea').some((q) => q.answers[0] === 'no')).toBe(true);
  });

  it('evaluation-split queries list every graph of their split they describe, their own graph included', () => {
    const graphs = readJsonl(join(work, 'out', 'graphs.jsonl'));
    const splitOf = new Map(graphs.map((g) => [g.id, g.split]));
    const queries = readJsonl(join(work, 'out', 'texts.jsonl')).filter((t) => t.kind === 'query');
    let wider = 0;
    for (const q of queries) {
      if (q.split === 'train') {
        expect(q.relevant).toBeUndefined();
        continue;
      }
      expect(q.relevant).toContain(q.graph_id);
      for (const id of q.relevant) expect(splitOf.get(id)).toBe(q.split);
      if (q.relevant.length > 1) wider++;
    }
    // generic queries ("a cnn for image classification") fit more than their own graph
    expect(wider).toBeGreaterThan(0);
  });

  it('is deterministic given the seed, and replaces an existing output directory whole', async () => {
    const again = join(work, 'again');
    mkdirSync(again);
    writeFileSync(join(again, 'stale.txt'), 'from an older build');
    const r = await buildDataset({ realDir, generated: 80, seed: 3, out: again }, graphDeps);
    expect(r.manifest.data_hash).toBe(built.manifest.data_hash);
    expect(readFileSync(join(again, 'graphs.jsonl'))).toEqual(readFileSync(join(work, 'out', 'graphs.jsonl')));
    expect(existsSync(join(again, 'stale.txt'))).toBe(false);
    const other = await buildDataset({ realDir: null, generated: 20, seed: 4, out: join(work, 'other') }, graphDeps);
    expect(other.manifest.data_hash).not.toBe(built.manifest.data_hash);
  });
});

describe('archbert dataset build (CLI)', () => {
  it('--json prints only the manifest JSON; bad options exit 2 with one line', () => {
    const out = join(work, 'cli');
    const r = runCli('archbert', ['dataset', 'build', '--generated', '10', '--seed', '1', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.graphs.generated).toBe(10);
    expect(m.out).toBe(out);
    const bad = runCli('archbert', ['dataset', 'build', '--generated', 'many', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/--generated/);
    const noReal = runCli('archbert', ['dataset', 'build', '--real', join(work, 'nope'), '--generated', '1', '--out', out]);
    expect(noReal.code).toBe(2);
    expect(noReal.stderr).toMatch(/index\.json/);
    const help = runCli('archbert', ['dataset', 'build', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
  });
});
