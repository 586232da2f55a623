/**
 * The acceptance inputs: stripped torchvision exports in fixtures/models with
 * PyTorch's own figures in reference.json (sum of p.numel() over
 * parameters(), BN running statistics, an independent hook-based MAC count).
 * Also checks the published parameter counts and validates every facts
 * object against schema/arch-facts.schema.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeFacts } from '../../../src/core/graph/analyze.js';
import { ACTIVATIONS, NORMS, OP_CATEGORIES, TASKS } from '../../../src/core/graph/categories.js';
import type { ArchFacts } from '../../../src/core/graph/types.js';
import { FAMILIES } from '../../../src/core/graph/family.js';
import { repoRoot } from '../../helpers/cli.js';

const dir = join(repoRoot, 'fixtures', 'models');
interface Ref {
  file: string;
  task: string;
  input: number[];
  params: number;
  buffers: { bn_running_stats: number; other: number };
  macs: number;
}
const reference: Record<string, Ref> = existsSync(join(dir, 'reference.json')) ? JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) : {};
const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'arch-facts.schema.json'), 'utf8'));

const facts: Record<string, ArchFacts> = {};
beforeAll(async () => {
  for (const [name, ref] of Object.entries(reference)) facts[name] = await describeFacts(join(dir, ref.file));
});

/** Published torchvision figures (torchvision docs / model cards). */
const PUBLISHED: Record<string, number> = { resnet18: 11_689_512, resnet50: 25_557_032, mobilenet_v2: 3_504_872, vit_b_16: 86_567_656 };

const relErr = (a: number, b: number) => Math.abs(a - b) / b;

describe.runIf(Object.keys(reference).length > 0)('torchvision exports vs PyTorch', () => {
  it.each(Object.keys(reference))('%s: params within 1 %, buffers, MACs within 5 %', (name) => {
    const f = facts[name]!;
    const ref = reference[name]!;
    expect(relErr(f.params.trainable, ref.params)).toBeLessThan(0.01);
    expect(relErr(f.params.buffers + 1, ref.buffers.bn_running_stats + ref.buffers.other + 1)).toBeLessThan(0.01);
    expect(f.macs).not.toBeNull();
    expect(relErr(f.macs!, ref.macs)).toBeLessThan(0.05);
    expect(f.task.guess).toBe(ref.task);
  });

  it('published parameter counts (exact on these exports)', () => {
    for (const [name, n] of Object.entries(PUBLISHED)) {
      if (!facts[name]) continue;
      expect(facts[name]!.params.trainable, name).toBe(n);
    }
  });

  it('depth = weighted layers on the longest path', () => {
    expect(facts.resnet18?.depth).toBe(18);
    expect(facts.resnet50?.depth).toBe(50);
    expect(facts.vgg11?.depth).toBe(11);
  });

  it('blocks', () => {
    expect(facts.resnet18!.blocks.residual).toBe(8);
    expect(facts.resnet50!.blocks).toMatchObject({ residual: 16, depthwise_separable: 0, squeeze_excitation: 0, attention: 0, inverted_residual: 0 });
    // 17 InvertedResidual modules, 10 of them with the skip add
    expect(facts.mobilenet_v2!.blocks).toMatchObject({ residual: 10, inverted_residual: 17, depthwise_separable: 17, squeeze_excitation: 0 });
    expect(facts.mobilenet_v2!.notes!.join(' ')).toMatch(/inverted residual blocks: 17 \(10 with a skip connection\)/);
    // 16 MBConv blocks, each with SE; 9 with skip
    expect(facts.efficientnet_b0!.blocks).toMatchObject({ squeeze_excitation: 16, inverted_residual: 16, residual: 9 });
    if (facts.vit_b_16) expect(facts.vit_b_16.blocks).toMatchObject({ attention: 12, residual: 24 });
    if (facts.convnext_tiny) expect(facts.convnext_tiny.blocks.residual).toBe(18);
    if (facts.mobilenet_v3_small) expect(facts.mobilenet_v3_small.blocks).toMatchObject({ inverted_residual: 11, squeeze_excitation: 9 });
    expect(facts.vgg11!.blocks).toEqual({ residual: 0, depthwise_separable: 0, squeeze_excitation: 0, attention: 0, inverted_residual: 0, feature_pyramid: 0 });
  });

  it('family from structure', () => {
    const expected: Record<string, string> = {
      resnet18: 'resnet',
      resnet50: 'resnet',
      vgg11: 'vgg',
      mobilenet_v2: 'mobilenet_v2',
      mobilenet_v3_small: 'mobilenet_v3',
      efficientnet_b0: 'efficientnet',
      densenet121: 'densenet',
      squeezenet1_0: 'squeezenet',
      shufflenet_v2_x1_0: 'shufflenet',
      regnet_y_400mf: 'regnet',
      convnext_tiny: 'convnext',
      vit_b_16: 'vit',
      lraspp_mobilenet_v3_large: 'lraspp',
    };
    for (const [name, fam] of Object.entries(expected)) if (facts[name]) expect(facts[name]!.family.guess, name).toBe(fam);
  });

  it('every facts object validates against schema/arch-facts.schema.json', () => {
    for (const [name, f] of Object.entries(facts)) expect(validate(schema, JSON.parse(JSON.stringify(f))), name).toEqual([]);
  });
});

describe('small ONNX graphs (fixtures/graphs, built by the loader tests)', () => {
  const g = (f: string) => describeFacts(join(repoRoot, 'fixtures', 'graphs', f));
  it.runIf(existsSync(join(repoRoot, 'fixtures', 'graphs', 'se_block.onnx')))('blocks, control-flow weights, symbolic-dim notes', async () => {
    expect((await g('se_block.onnx')).blocks.squeeze_excitation).toBe(1);
    const tr = await g('tiny_resnet.onnx');
    expect(tr.blocks.residual).toBe(1);
    expect(tr.task.guess).toBe('classification');
    expect((await g('dw_separable.onnx')).blocks.depthwise_separable).toBe(1);
    const cf = await g('if_subgraph.onnx');
    expect(cf.params.trainable).toBeGreaterThan(0);
    expect(cf.notes!.join(' ')).toMatch(/control flow \(If\)/);
    expect((await g('symbolic_dims.onnx')).notes!.join(' ')).toMatch(/dim 2 'H' = 224/);
  });
});

describe('schema', () => {
  it('enums are exactly the vocabularies of categories.ts (regenerate: npx tsx schema/build-arch-facts-schema.ts)', () => {
    expect(schema.properties.ops.propertyNames.enum).toEqual([...OP_CATEGORIES]);
    expect(schema.properties.family.properties.guess.enum).toEqual([...FAMILIES, null]);
    expect(schema.properties.activations.items.enum).toEqual([...ACTIVATIONS]);
    expect(schema.properties.norms.items.enum).toEqual([...NORMS]);
    expect(schema.properties.task.properties.guess.enum).toEqual([...TASKS]);
  });
  it('the validator rejects what it should', () => {
    const bad = { file: 'x', format: 'onnx' };
    expect(validate(schema, bad).length).toBeGreaterThan(0);
    expect(validate(schema.properties.ops, { conv: 1, made_up_op: 2 })).toEqual(['$: property name made_up_op not in enum']);
  });
});

/** A small JSON-Schema subset validator (type, enum, required, properties, additionalProperties, items, propertyNames, minimum, pattern, uniqueItems). */
function validate(s: any, v: unknown, path = '$'): string[] {
  const errs: string[] = [];
  const typeOf = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'array' : Number.isInteger(x) ? 'integer' : typeof x);
  if (s.enum && !s.enum.some((e: unknown) => e === v)) errs.push(`${path}: ${JSON.stringify(v)} not in enum`);
  if (s.type) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) errs.push(`${path}: type ${t}, expected ${types.join('|')}`);
  }
  if (typeof v === 'number' && s.minimum !== undefined && v < s.minimum) errs.push(`${path}: ${v} < ${s.minimum}`);
  if (typeof v === 'string' && s.pattern && !new RegExp(s.pattern).test(v)) errs.push(`${path}: '${v}' does not match ${s.pattern}`);
  if (Array.isArray(v)) {
    if (s.items) v.forEach((x, i) => errs.push(...validate(s.items, x, `${path}[${i}]`)));
    if (s.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) errs.push(`${path}: duplicate items`);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in o)) errs.push(`${path}: missing ${r}`);
    for (const [k, x] of Object.entries(o)) {
      if (s.propertyNames?.enum && !s.propertyNames.enum.includes(k)) errs.push(`${path}: property name ${k} not in enum`);
      if (s.properties?.[k]) errs.push(...validate(s.properties[k], x, `${path}.${k}`));
      else if (s.additionalProperties === false) errs.push(`${path}: unexpected property ${k}`);
      else if (typeof s.additionalProperties === 'object') errs.push(...validate(s.additionalProperties, x, `${path}.${k}`));
    }
  }
  return errs;
}
