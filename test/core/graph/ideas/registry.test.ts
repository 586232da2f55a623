/**
 * The catalogue itself: ≥ 40 detectors with unique snake_case ids, the ids of
 * the reference vocabulary where it has one, the six block kinds with the
 * same counts as `blocks`, keys in registry order, evidence as node ids.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDEA_IDS } from '../../../../src/core/graph/ideas/registry.js';
import { repoRoot } from '../../../helpers/cli.js';
import { factsOf } from './real-graphs.js';
import { loadGraph } from '../../../../src/core/graph/load.js';

const vocabulary: Record<string, string> = JSON.parse(readFileSync(join(repoRoot, 'fixtures', 'reference', 'expected.json'), 'utf8')).idea_vocabulary;
const BLOCK_KINDS = ['residual', 'depthwise_separable', 'squeeze_excitation', 'attention', 'inverted_residual', 'feature_pyramid'] as const;
/** ids of the list that the reference vocabulary has no entry for (block kinds and two of the examples) */
const OUTSIDE_VOCABULARY = new Set(['attention', 'fire_module', 'dense_connectivity', 'gated_linear_unit', 'regular_stage_design', 'recurrent_attention']);

describe('idea registry', () => {
  it('has ≥ 40 unique snake_case ids, all from the reference vocabulary except the named few', () => {
    expect(IDEA_IDS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(IDEA_IDS).size).toBe(IDEA_IDS.length);
    for (const id of IDEA_IDS) {
      expect(id).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      if (!OUTSIDE_VOCABULARY.has(id)) expect(vocabulary, id).toHaveProperty(id);
    }
    for (const k of BLOCK_KINDS) expect(IDEA_IDS).toContain(k);
  });

  it.each(['resnet50', 'efficientnet_b0', 'vit_b_16', 'retinanet_r50_fpn', 'mobilenet_v2'])('%s: block ideas carry the blocks counts; keys in registry order; evidence names graph nodes', async (name) => {
    const f = await factsOf(name);
    for (const k of BLOCK_KINDS) {
      if (f.blocks[k] > 0) expect(f.ideas[k]?.count, k).toBe(f.blocks[k]);
      else expect(f.ideas[k], k).toBeUndefined();
    }
    const keys = Object.keys(f.ideas);
    const order = keys.map((k) => IDEA_IDS.indexOf(k));
    expect(order.every((x) => x >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const path = join(repoRoot, 'fixtures', name === 'retinanet_r50_fpn' ? 'reference' : 'models', `${name}.onnx`);
    const ids = new Set((await loadGraph(path)).nodes.map((n) => n.id));
    for (const [k, v] of Object.entries(f.ideas)) {
      expect(v.count === null || (Number.isInteger(v.count) && v.count > 0), k).toBe(true);
      expect(v.evidence.length, k).toBeGreaterThan(0);
      for (const e of v.evidence) expect(ids.has(e), `${k}: ${e}`).toBe(true);
    }
  });
});
