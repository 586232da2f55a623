import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BLOCKS_LAYOUT,
  BUCKET_LAYOUT,
  LOG_LAYOUT,
  OUTPUT_LAYOUT,
  binLayoutNamed,
  binLayoutOfFile,
  binsFile,
  blockCountEdges,
  bucketLayerEdges,
  bucketParamEdges,
  graphFeatureBin,
  intervalBinIndex,
  outputWidthEdges,
  type BinLayout,
} from '../../../../src/core/archbert/model/bin-layout.js';
import { featurize, graphBins, graphOutputWidth } from '../../../../src/core/archbert/model/featurize.js';
import { LAYER_BUCKETS, LIGHTWEIGHT_MAX, PARAM_RANGES } from '../../../../src/core/archbert/language/vocabulary.js';
import { generateArchitecture } from '../../../../src/core/archbert/data/generate.js';
import type { OpGraph, OpNode } from '../../../../src/core/graph/types.js';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { repoRoot } from '../../../helpers/cli.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function node(category: string, extra: Partial<OpNode> = {}): OpNode {
  return {
    id: category, category, outChannels: null, inChannels: null, kernel: null, stride: null, dilation: null, groups: null,
    params: 0, buffers: 0, macs: 0, outShape: null, sources: [], ...extra,
  };
}

/** A graph with `params` parameters (on its first conv) and `layers` weighted layers. */
function sized(params: number, layers: number): OpGraph {
  const nodes = Array.from({ length: Math.max(1, layers) }, (_, i) => node(layers > 0 ? 'conv' : 'relu', { params: i === 0 ? params : 0 }));
  return { nodes, edges: [], inputNodes: [0], outputNodes: [nodes.length - 1] };
}

const paramBin = (layout: BinLayout, params: number) => graphBins(sized(params, 1), layout)[6]!;
const layerBin = (layout: BinLayout, layers: number) => graphBins(sized(0, layers), layout)[7]!;

/** Every count where the text's size words change: both sides of it must get different bins. */
const PARAM_TEXT_EDGES = [...new Set([...PARAM_RANGES.flatMap((r) => [r.lo, r.hi]), LIGHTWEIGHT_MAX].filter((e) => e > 0 && Number.isFinite(e)))];
const LAYER_TEXT_EDGES = [...new Set(LAYER_BUCKETS.flatMap((b) => [b.lo, b.hi]).filter((e) => e > 0 && Number.isFinite(e)))];

describe('log layout (the sets bundled until run F)', () => {
  it('writes exactly the bins.json the earlier bundled sets were trained with (hash taken before the layouts existed)', () => {
    expect(sha256(JSON.stringify(binsFile()))).toBe('9af9f87e02cf01cad761fcd0a0517c90bdc4f20ce983685066869bc760b6f740');
    expect(JSON.stringify(binsFile(LOG_LAYOUT))).toBe(JSON.stringify(binsFile()));
  });

  it('puts some text bucket edges inside one bin (why the bucket layout exists)', () => {
    expect(layerBin(LOG_LAYOUT, 20)).toBe(layerBin(LOG_LAYOUT, 21));
    expect(paramBin(LOG_LAYOUT, 99_999)).toBe(paramBin(LOG_LAYOUT, 100_000));
    expect(paramBin(LOG_LAYOUT, 4_900_000)).toBe(paramBin(LOG_LAYOUT, 5_100_000));
  });
});

describe('interval binning', () => {
  it('counts the edges ≤ x; 0 below the first edge or unknown', () => {
    const edges = [1, 5, 10];
    expect(intervalBinIndex(edges, 0)).toBe(0);
    expect(intervalBinIndex(edges, 0.5)).toBe(0);
    expect(intervalBinIndex(edges, 1)).toBe(1);
    expect(intervalBinIndex(edges, 4.99)).toBe(1);
    expect(intervalBinIndex(edges, 5)).toBe(2);
    expect(intervalBinIndex(edges, 10)).toBe(3);
    expect(intervalBinIndex(edges, 1e12)).toBe(3);
    expect(intervalBinIndex(edges, null)).toBe(0);
    expect(intervalBinIndex(edges, Number.NaN)).toBe(0);
  });

  it('a nearest-value graph feature reads log counts, an interval one raw counts', () => {
    expect(graphFeatureBin({ name: 'graph_log2_nodes', values: [1, 2, 3] }, 3)).toBe(2); // log2(4) = 2
    expect(graphFeatureBin({ name: 'graph_nodes', values: [1, 2, 3], binning: 'interval' }, 3)).toBe(3);
  });
});

describe('bucket layout', () => {
  it('bins hand-computed sizes: both sides of a bucket edge differ', () => {
    // layer edges are 1…24 one by one: 20 layers → 20 edges ≤ 20, 21 → 21
    expect(layerBin(BUCKET_LAYOUT, 20)).toBe(20);
    expect(layerBin(BUCKET_LAYOUT, 21)).toBe(21);
    // 50 → 1…24, 27, 32, 38, 45 = 28 edges; 51 is an edge itself
    expect(layerBin(BUCKET_LAYOUT, 50)).toBe(28);
    expect(layerBin(BUCKET_LAYOUT, 51)).toBe(29);
    // params: edge 1, then 10^(k/10) for k = 10…49 lie below 100,000 → 41; 100,000 (k = 50) is the 42nd
    expect(paramBin(BUCKET_LAYOUT, 99_999)).toBe(41);
    expect(paramBin(BUCKET_LAYOUT, 100_000)).toBe(42);
    // 4.9m: 1 and k = 10…66 (10^6.6 = 3.98m) → 58; 5.1m adds 5m (it replaced 10^6.7 = 5.01m) → 59
    expect(paramBin(BUCKET_LAYOUT, 4_900_000)).toBe(58);
    expect(paramBin(BUCKET_LAYOUT, 5_100_000)).toBe(59);
    // no parameters and no weighted layers stay the unknown bin, as in the log layout
    expect(graphBins(sized(0, 0), BUCKET_LAYOUT).slice(6)).toEqual([0, 0, 1]);
  });

  it('has every size-bucket edge of the text (vocabulary.ts) as a bin edge', () => {
    const [params, layers] = [BUCKET_LAYOUT.features[6]!, BUCKET_LAYOUT.features[7]!];
    expect(PARAM_TEXT_EDGES.sort((a, b) => a - b)).toEqual([1e5, 1e6, 5e6, 25e6, 1e8]);
    for (const e of PARAM_TEXT_EDGES) {
      expect(params.values, `param edge ${e}`).toContain(e);
      expect(paramBin(BUCKET_LAYOUT, e - 1), `params ${e - 1} vs ${e}`).not.toBe(paramBin(BUCKET_LAYOUT, e));
    }
    expect(LAYER_TEXT_EDGES.length).toBeGreaterThanOrEqual(7);
    for (const e of LAYER_TEXT_EDGES) {
      expect(layers.values, `layer edge ${e}`).toContain(e);
      expect(layerBin(BUCKET_LAYOUT, e - 1), `layers ${e - 1} vs ${e}`).not.toBe(layerBin(BUCKET_LAYOUT, e));
    }
  });

  it('replicates bucket_bins.py: its edge lists (hashes of its JSON), decades as edges, no sliver bins', () => {
    const params = bucketParamEdges();
    const layers = bucketLayerEdges();
    // sha256 of json.dumps(proposed_*_edges(), separators=(',', ':')) from training/archbert/bucket_bins.py
    expect(sha256(JSON.stringify(layers))).toBe('9e374b3bd0ddb66a50512c67f21e7c8bbd2100d1f8666ef03e708163b2139cb7');
    expect(sha256(JSON.stringify(params))).toBe('8694841cce54a98efe077ca2ad99e6f452cc9509c908106a01f363d3b9e80f1c');
    expect([params.length, layers.length]).toEqual([92, 66]);
    for (const e of [1e5, 1e6, 1e8, 1e10]) expect(params).toContain(e);
    expect(layers.slice(0, 24)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(layers[layers.length - 1]).toBe(2 ** 15);
    // beyond the exact counts (layers 1…24, params 1 and 10) no bin is narrower than a ratio of 1.1
    const minRatio = (v: number[]) => Math.min(...v.slice(1).map((x, i) => x / v[i]!));
    expect(minRatio(layers.slice(23))).toBeGreaterThanOrEqual(1.1);
    expect(minRatio(params.slice(1))).toBeGreaterThanOrEqual(1.1);
  });

  it('changes only the [graph] node params and layer columns; the node columns and node count stay', () => {
    const g = generateArchitecture(7).graph;
    const log = featurize(g);
    const bucket = featurize(g, undefined, BUCKET_LAYOUT);
    expect(bucket.ops).toEqual(log.ops);
    expect(bucket.edges).toEqual(log.edges);
    expect(bucket.bins.slice(0, -1)).toEqual(log.bins.slice(0, -1));
    const [lastLog, lastBucket] = [log.bins[log.n - 1]!, bucket.bins[bucket.n - 1]!];
    expect(lastBucket.slice(0, 6)).toEqual(lastLog.slice(0, 6));
    expect(lastBucket[8]).toBe(lastLog[8]);
    expect(lastBucket[6]).toBeGreaterThan(0);
    expect(lastBucket[7]).toBeGreaterThan(0);
  });

  it('writes the interval form to bins.json with the names bucket_bins.py checks', () => {
    const file = binsFile(BUCKET_LAYOUT);
    expect(file.features.map((f) => f.name).slice(6)).toEqual(['graph_params', 'graph_weighted_layers', 'graph_log2_nodes']);
    expect(file.features.map((f) => f.binning ?? null).slice(6)).toEqual(['interval', 'interval', null]);
    expect(file.features.slice(0, 6)).toEqual(binsFile().features.slice(0, 6));
    expect(Object.hasOwn(file.features[8]!, 'binning')).toBe(false);
  });
});

/**
 * Two residual blocks by hand: stem conv → conv → relu → conv → add(stem, ·) → conv → add(first add, ·).
 * Each add joins a skip with a path one or two weighted layers deeper (graph/blocks.ts's definition).
 */
function twoResiduals(): OpGraph {
  const nodes = [node('conv'), node('conv'), node('relu'), node('conv'), node('add'), node('conv'), node('add')];
  const edges: Array<[number, number]> = [[0, 1], [1, 2], [2, 3], [0, 4], [3, 4], [4, 5], [4, 6], [5, 6]];
  return { nodes, edges, inputNodes: [0], outputNodes: [6] };
}

describe('blocks layout', () => {
  it('has count edges 0…24 one by one, then quarter octaves to 4096 (hand-listed)', () => {
    const edges = blockCountEdges();
    expect(edges.slice(0, 25)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    // round(2^(k/4)) for k = 19, 20, 21 …: 26.9, 32, 38.1, 45.3, 53.8, 64
    expect(edges.slice(25, 31)).toEqual([27, 32, 38, 45, 54, 64]);
    expect(edges[edges.length - 1]).toBe(4096);
  });

  it('is the log layout plus one interval column per block kind', () => {
    const file = binsFile(BLOCKS_LAYOUT);
    expect(file.features.slice(0, 9)).toEqual(binsFile(LOG_LAYOUT).features);
    expect(file.features.slice(9).map((f) => f.name)).toEqual([
      'graph_blocks_residual', 'graph_blocks_depthwise_separable', 'graph_blocks_squeeze_excitation',
      'graph_blocks_attention', 'graph_blocks_inverted_residual', 'graph_blocks_feature_pyramid',
    ]);
    expect(file.features.slice(9).every((f) => f.binning === 'interval')).toBe(true);
  });

  it('puts the block counts on the [graph] node only; none of a kind is bin 1, apart from a node\'s 0', () => {
    const f = featurize(twoResiduals(), 512, BLOCKS_LAYOUT);
    expect(f.bins.every((row) => row.length === 15)).toBe(true);
    // edges 0, 1, 2 are ≤ 2 residual blocks → bin 3; every other kind: 0 blocks → bin 1
    expect(f.bins[f.n - 1]!.slice(9)).toEqual([3, 1, 1, 1, 1, 1]);
    expect(f.bins.slice(0, f.n - 1).every((row) => row.slice(6).every((b) => b === 0))).toBe(true);
    // the first nine columns are the log layout's, node for node
    const log = featurize(twoResiduals(), 512, LOG_LAYOUT);
    expect(f.bins.map((row) => row.slice(0, 9))).toEqual(log.bins);
  });
});

describe('blocks layout with the facts\' counts', () => {
  it('the facts\' block counts give the same bins as a fresh search (real exports with SE, inverted residual, attention blocks)', async () => {
    for (const name of ['efficientnet_b0', 'vit_b_16', 'lraspp_mobilenet_v3_large']) {
      const a = await graphDeps.analyzeFile(join(repoRoot, 'fixtures', 'models', `${name}.onnx`));
      const given = featurize(a.opGraph, 512, BLOCKS_LAYOUT, a.facts.blocks);
      expect(given.bins, name).toEqual(featurize(a.opGraph, 512, BLOCKS_LAYOUT).bins);
      expect(given.bins[given.n - 1]!.slice(9).some((b) => b > 1), name).toBe(true);
    }
  });
});

/** conv → linear (the output, `classes` wide unless null) → softmax (a second output when `softmax`). */
function classifier(classes: number | null, extra: Partial<OpNode> = {}): OpGraph {
  const nodes = [node('conv', { outChannels: 64 }), node('linear', { outChannels: classes, ...extra })];
  return { nodes, edges: [[0, 1]], inputNodes: [0], outputNodes: [1] };
}
const outputBin = (g: OpGraph) => graphBins(g, OUTPUT_LAYOUT)[15]!;

describe('output layout', () => {
  it('has width edges 0…32 one by one, then eighth octaves to 2^17 (hand-listed)', () => {
    const edges = outputWidthEdges();
    expect(edges.slice(0, 33)).toEqual(Array.from({ length: 33 }, (_, i) => i));
    // round(2^(k/8)) for k = 41 … 47: 34.9, 38.1, 41.5, 45.3, 49.4, 53.8, 58.7
    expect(edges.slice(33, 40)).toEqual([35, 38, 41, 45, 49, 54, 59]);
    expect([edges[edges.length - 1], edges.length]).toEqual([2 ** 17, 129]);
  });

  it('is the blocks layout plus one interval column, on the [graph] node only', () => {
    const file = binsFile(OUTPUT_LAYOUT);
    expect(file.features.slice(0, 15)).toEqual(binsFile(BLOCKS_LAYOUT).features);
    expect(file.features.slice(15)).toEqual([{ name: 'graph_output_width', values: outputWidthEdges(), binning: 'interval' }]);
    const f = featurize(twoResiduals(), 512, OUTPUT_LAYOUT);
    expect(f.bins.every((row) => row.length === 16)).toBe(true);
    expect(f.bins.map((row) => row.slice(0, 15))).toEqual(featurize(twoResiduals(), 512, BLOCKS_LAYOUT).bins);
    expect(f.bins.slice(0, f.n - 1).every((row) => row[15] === 0)).toBe(true);
  });

  it('bins hand-computed class counts: 3, 4 and 5 apart, 96 and 100 apart; unknown is 0', () => {
    // widths 0…32 are edges themselves: width w → w + 1 edges ≤ w
    expect([3, 4, 5].map((c) => outputBin(classifier(c)))).toEqual([4, 5, 6]);
    // 33 edges to 32, then 35, 38, 41, 45, …: 96 → 45 edges (the 45th is round(2^(52/8)) = 91), 100 → 46 (round(2^(53/8)) = 99)
    expect([outputBin(classifier(96)), outputBin(classifier(100))]).toEqual([45, 46]);
    // 1000: 33 + the steps k = 41 … 79 (2^(79/8) = 939.0; 2^(80/8) = 1024 is past it) = 72
    expect(outputBin(classifier(1000))).toBe(72);
    // the last dimension of an inferred shape when the channels are unknown
    expect(graphOutputWidth(classifier(null, { outShape: ['batch', 10] }))).toBe(10);
    expect(outputBin(classifier(null, { outShape: ['batch', 'classes'] }))).toBe(0);
    expect(outputBin(classifier(null))).toBe(0);
    // the widest of several outputs; an output index past the nodes is skipped
    const two = classifier(10);
    two.nodes.push(node('linear', { outChannels: 4 }));
    two.outputNodes = [2, 1, 99];
    expect(graphOutputWidth(two)).toBe(10);
  });

  it('gives a generated classifier the bin of its class count (40 seeds)', () => {
    let classifiers = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const a = generateArchitecture(seed);
      if (a.meta.task !== 'classification' || !a.meta.numClasses) continue;
      classifiers++;
      expect(outputBin(a.graph), `seed ${seed}`).toBe(intervalBinIndex(outputWidthEdges(), a.meta.numClasses));
    }
    expect(classifiers).toBeGreaterThan(10);
  });

  it('reads 1000 classes off real ImageNet exports', async () => {
    for (const name of ['efficientnet_b0', 'vit_b_16']) {
      const a = await graphDeps.analyzeFile(join(repoRoot, 'fixtures', 'models', `${name}.onnx`));
      expect(graphOutputWidth(a.opGraph), name).toBe(1000);
    }
  });
});

describe('layout lookup', () => {
  it('recognises exactly the four layouts, by name and by bins.json content', () => {
    expect(binLayoutNamed('log')).toBe(LOG_LAYOUT);
    expect(binLayoutNamed('bucket')).toBe(BUCKET_LAYOUT);
    expect(binLayoutNamed('blocks')).toBe(BLOCKS_LAYOUT);
    expect(binLayoutNamed('output')).toBe(OUTPUT_LAYOUT);
    expect(binLayoutOfFile(JSON.parse(JSON.stringify(binsFile(BLOCKS_LAYOUT))))).toBe(BLOCKS_LAYOUT);
    expect(binLayoutOfFile(JSON.parse(JSON.stringify(binsFile(OUTPUT_LAYOUT))))).toBe(OUTPUT_LAYOUT);
    expect(binLayoutNamed('linear')).toBeUndefined();
    expect(binLayoutNamed('toString')).toBeUndefined();
    expect(binLayoutOfFile(JSON.parse(JSON.stringify(binsFile())))).toBe(LOG_LAYOUT);
    expect(binLayoutOfFile(JSON.parse(JSON.stringify(binsFile(BUCKET_LAYOUT))))).toBe(BUCKET_LAYOUT);
  });

  it('refuses anything else: a changed edge, a dropped "binning", another shape', () => {
    const edited = binsFile(BUCKET_LAYOUT);
    edited.features[7]!.values[30] += 1;
    expect(binLayoutOfFile(edited)).toBeUndefined();
    const noBinning = binsFile(BUCKET_LAYOUT);
    delete noBinning.features[6]!.binning;
    expect(binLayoutOfFile(noBinning)).toBeUndefined();
    expect(binLayoutOfFile({ features: [] })).toBeUndefined();
    expect(binLayoutOfFile(null)).toBeUndefined();
  });
});
