import { beforeAll, describe, expect, it } from 'vitest';
import { rankCandidates, whyString, type Candidate } from '../../../src/core/archbert/find.js';
import { parseConstraints } from '../../../src/core/archbert/language/constraints.js';
import { satisfies } from '../../../src/core/archbert/language/constraint-check.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../src/core/archbert/facts/model-file.js';
import { repoRoot } from '../../helpers/cli.js';

const kinds = (q: string) =>
  parseConstraints(q).map((c) =>
    'key' in c ? `${c.kind}:${c.key}` : 'keys' in c ? `${c.kind}:${c.keys.join('|')}` : c.kind === 'task' ? `task:${c.task}` : c.kind === 'modality' ? `modality:${c.modality}` : c.kind === 'family' ? `family:${c.family}` : c.kind === 'input_size' ? `input:${c.height}x${c.width}` : `${c.kind}:${c.value}`,
  );

// What the query says is parsed in language/constraints.ts (test/core/archbert/language/constraints.test.ts); here, how find uses it.
describe('constraints against real facts', () => {
  let convnext: AnalyzedModel;
  let mobilenet: AnalyzedModel;
  let vit: AnalyzedModel;
  beforeAll(async () => {
    convnext = await analyzeModelFile(`${repoRoot}/fixtures/models/convnext_tiny.onnx`);
    mobilenet = await analyzeModelFile(`${repoRoot}/fixtures/models/mobilenet_v2.onnx`);
    vit = await analyzeModelFile(`${repoRoot}/fixtures/models/vit_b_16.onnx`);
  });

  it('checks each constraint kind', () => {
    const [under5m] = parseConstraints('under 5M parameters');
    expect(satisfies(mobilenet.summary, under5m!)).toBe(true); // 3.5M (published 3.4M + BN buffers)
    expect(satisfies(convnext.summary, under5m!)).toBe(false); // 28.6M
    const [noAttn] = parseConstraints('without attention');
    expect(satisfies(convnext.summary, noAttn!)).toBe(true);
    expect(satisfies(vit.summary, noAttn!)).toBe(false);
    const [ln] = parseConstraints('with layer norm');
    expect(satisfies(convnext.summary, ln!)).toBe(true);
    expect(satisfies(mobilenet.summary, ln!)).toBe(false);
  });

  it('checks the input resolution against the input shape', () => {
    // torchvision's ConvNeXt-T and ViT-B/16 fixtures are exported at 224x224 (fixtures/models/reference.json).
    const [at224] = parseConstraints('at 224x224 input');
    const [at299] = parseConstraints('at 299x299 input');
    expect(satisfies(vit.summary, at224!)).toBe(true);
    expect(satisfies(convnext.summary, at224!)).toBe(true);
    expect(satisfies(vit.summary, at299!)).toBe(false);
  });

  it('constraint-satisfying models rank first whatever their learned score', () => {
    const cands: Candidate[] = [
      { file: 'vit.onnx', name: 'vit', summary: vit.summary, score: 0.9 },
      { file: 'convnext.onnx', name: 'convnext', summary: convnext.summary, score: 0.5 },
      { file: 'mobilenet.onnx', name: 'mobilenet', summary: mobilenet.summary, score: 0.1 },
    ];
    const q = 'image classifier under 5M parameters without attention';
    const r = rankCandidates(q, cands, parseConstraints(q), 3);
    expect(r.map((x) => x.name)).toEqual(['mobilenet', 'vit', 'convnext']);
    expect(r[0]!.why).toMatch(/3\.5m params meets "under 5m parameters"/);
    expect(r[0]!.why).toMatch(/no attention/);
    // without constraints: the learned order
    expect(rankCandidates(q, cands, [], 3, { exact: false }).map((x) => x.name)).toEqual(['vit', 'convnext', 'mobilenet']);
  });

  it('a larger share of named features confirmed by the facts ranks first, then the learned score', () => {
    const cands: Candidate[] = [
      { file: 'vit.onnx', name: 'vit', summary: vit.summary, score: 0.52 },
      { file: 'convnext.onnx', name: 'convnext', summary: convnext.summary, score: 0.5 },
    ];
    // convnext has both layer norm and depthwise conv (share 1), ViT only layer norm (0.5): the order flips; scores stay the cosine
    const r = rankCandidates('layer norm and depthwise convolutions', cands, [], 2);
    expect(r.map((x) => [x.name, x.score])).toEqual([['convnext', 0.5], ['vit', 0.52]]);
    expect(rankCandidates('layer norm and depthwise convolutions', cands, [], 2, { exact: false }).map((x) => x.name)).toEqual(['vit', 'convnext']);
  });

  it('a choice of features holds when one is there', () => {
    const [eitherNorm] = parseConstraints('with batch norm or layer norm');
    expect(eitherNorm!.kind).toBe('has_any');
    expect([convnext, mobilenet, vit].map((m) => satisfies(m.summary, eitherNorm!))).toEqual([true, true, true]);
    const [bothNorms, bnToo] = parseConstraints('with batch norm and layer norm');
    expect([convnext, mobilenet, vit].map((m) => satisfies(m.summary, bothNorms!) && satisfies(m.summary, bnToo!))).toEqual([false, false, false]);
    const [actChoice] = parseConstraints('uses gelu or swish');
    expect([convnext, mobilenet, vit].map((m) => satisfies(m.summary, actChoice!))).toEqual([true, false, true]);
    expect(whyString(mobilenet.summary, 'uses gelu or swish', [actChoice!])).toMatch(/no gelu or silu/);
    expect(whyString(vit.summary, 'uses gelu or swish', [actChoice!])).toMatch(/has gelu/);
  });

  it('why names what the facts show for the features a query mentions', () => {
    expect(whyString(convnext.summary, 'depthwise convolutions and layer norm', [])).toMatch(/has depthwise conv; has layer norm/);
  });
});

describe('query forms from nl-eval set 8', () => {
  it('reads "50M+ params" as a lower bound and "w/" as "with"', () => {
    expect(kinds('need a CNN classifier w/ only 1x1 and 3x3 kernels, batchnorm, 50M+ params')).toEqual([
      'min_params:50000000', 'has:kernels-only:any:1x1,3x3', 'has:batch_norm', 'task:classification',
    ]);
    expect(kinds('w/o attention')).toEqual(['lacks:attention']);
  });
});
