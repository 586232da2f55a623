/**
 * Shape-bin layouts: which bin each of the architecture encoder's bin
 * columns gives a value, and the bins.json that records it (the trainer sizes
 * its embedding tables from that file; ModelSet checks a set's copy).
 *
 * Four layouts. "log" and "bucket" differ only in the "[graph]" node's
 * parameter and weighted-layer columns (7 and 8); the six node columns and
 * graph_log2_nodes are the same in both. "blocks" and "output" add columns:
 *
 *  - "log" (the default; the sets bundled until issue 17's run F): nearest point of a log grid,
 *    log10(1 + params) in steps of 0.1 and log2(1 + layers) in quarter octaves.
 *    A size-bucket edge of the text can fall inside one bin: 20 and 21 weighted
 *    layers share a bin, so "11 to 20" and "21 to 50" layers look alike to the
 *    encoder for those graphs.
 *  - "bucket" (issue 17): interval bins over raw counts whose edges include
 *    every edge of the text's size buckets (language/vocabulary.ts
 *    PARAM_RANGES, LIGHTWEIGHT_MAX, LAYER_BUCKETS), so both sides of each
 *    bucket edge land in different bins. Edges follow the proposal of
 *    training/archbert/bucket_bins.py, replicated here (the featurizer is the
 *    only place bins are made; the Python side only checks a dataset).
 *  - "blocks" (issue 17): the log layout's nine columns, then one column per
 *    block kind (facts/arch-summary.ts BLOCK_KINDS: residual, depthwise
 *    separable, SE, attention, inverted residual, feature pyramid) holding the
 *    graph's count of that block (graph/blocks.ts, the count find and ask check)
 *    on the "[graph]" node. Why: queries bound block counts ("more than 20
 *    attention blocks", "25 to 35 MBConv blocks"), and no whole-graph column
 *    carried them; coarsening drops repeated blocks, so the nodes cannot either.
 *    Edges 0, 1, …, 24 (every small count its own bin, 0 = none of that kind,
 *    apart from the ordinary nodes' 0 = not applicable), then quarter octaves.
 *    The bundled set uses this layout (issue 17's runs F to K).
 *  - "output" (issue 17): the "blocks" layout, then one column on the
 *    "[graph]" node: the graph's output width (graphOutputWidth: the widest
 *    output node's channels, the class count of a classifier). Why: "how many
 *    classes" was the weakest in-distribution QA template (0.39 exact with
 *    run J) though the final layer's channel bin carries the answer: the
 *    encoder has to find that one node among hundreds, and the channel grid
 *    puts 3, 4 and 5 (and 96 / 100) in one bin. Edges 0, 1, …, 32, then
 *    eighth octaves to 2^17 (a language model's vocabulary); 0 = unknown.
 *
 * bins.json feature semantics (shared with bucket_bins.py bin_index):
 *  - without "binning": index (1-based) of the nearest value, ties to the
 *    smaller; a feature named graph_log10_* / graph_log2_* is compared on
 *    log10(1 + x) / log2(1 + x); 0 = unknown (null, non-finite, ≤ 0);
 *  - "binning": "interval": values are lower edges in raw units and the index
 *    is the number of edges ≤ x (0 = unknown or below the first edge).
 */

import { BLOCK_KINDS, isBlockKind, type BlockKind } from '../facts/arch-summary.js';

export type BinLayoutName = 'log' | 'bucket' | 'blocks' | 'output';
export const BIN_LAYOUT_NAMES: readonly BinLayoutName[] = ['log', 'bucket', 'blocks', 'output'];

export interface BinFeature {
  readonly name: string;
  readonly values: readonly number[];
  readonly binning?: 'interval';
}

export interface BinLayout {
  readonly name: BinLayoutName;
  /** The bin columns, in column order (nine; fifteen in "blocks", sixteen in "output"). */
  readonly features: readonly BinFeature[];
}

/** bins.json: bin values per feature; index 0 is "unknown". */
export interface BinsFile {
  features: Array<{ name: string; values: number[]; binning?: 'interval' }>;
  unknown: 0;
}

function channelValues(): number[] {
  const v = [1, 3, 10];
  for (let c = 8; c <= 56; c += 8) v.push(c);
  for (let c = 64; c <= 4080; c += 16) v.push(c);
  for (let c = 4096; c <= 8192; c += 32) v.push(c);
  return v.sort((a, b) => a - b);
}

/** a, a+step, …, b (rounded to 2 decimals so the JSON stays exact). */
function grid(a: number, b: number, step: number): number[] {
  const v: number[] = [];
  for (let i = 0; a + i * step <= b + 1e-9; i++) v.push(Math.round((a + i * step) * 100) / 100);
  return v;
}

export const BIN_VALUES = {
  channels: channelValues(),
  spatial: [1, 3, 5, 7, 9, 11, 14, 16],
  stride: [1, 2, 3, 4, 8, 16, 32],
  dilation: [1, 2, 3, 4, 6, 8, 12, 16, 24],
  /** log10(1 + parameters), 10 steps a decade from 10 to 10^10. */
  log10Params: grid(1, 10, 0.1),
  /** log2(1 + count), 4 steps an octave from 1 to 2^15. */
  log2Count: grid(1, 15, 0.25),
} as const;

/** The nine features of the log layout, in column order, with the bin table each uses. */
export const BIN_FEATURES = [
  ['out_channels', 'channels'],
  ['in_channels', 'channels'],
  ['kernel_h', 'spatial'],
  ['kernel_w', 'spatial'],
  ['stride', 'stride'],
  ['dilation', 'dilation'],
  ['graph_log10_params', 'log10Params'],
  ['graph_log2_weighted_layers', 'log2Count'],
  ['graph_log2_nodes', 'log2Count'],
] as const;

/** Parameter counts where the text's size words change (PARAM_RANGES bounds, LIGHTWEIGHT_MAX). */
const PARAM_BUCKET_EDGES = [1e5, 1e6, 5e6, 25e6, 1e8];
/** Weighted-layer counts where LAYER_BUCKETS change. */
const LAYER_BUCKET_EDGES = [1, 6, 11, 21, 51, 101, 201];

/**
 * The grid with each bucket edge put in place of the grid points less than half
 * a step (ratio halfStep, log scale) from it: no sliver bins such as [5.0m, 5.01m).
 */
function snapToBucketEdges(gridPoints: Iterable<number>, bucketEdges: readonly number[], halfStep: number): number[] {
  let edges = new Set(gridPoints);
  for (const e of bucketEdges) {
    edges = new Set([...edges].filter((g) => g === e || !(1 / halfStep < g / e && g / e < halfStep)));
    edges.add(e);
  }
  return [...edges].sort((a, b) => a - b);
}

/**
 * Weighted-layer edges: every count 1…24 its own bin (exact layer counts are
 * stated and asked), then quarter-octave steps to 2^15 with the bucket edges
 * 51, 101, 201 in place of the nearest steps.
 */
export function bucketLayerEdges(): number[] {
  const steps = new Set<number>();
  for (let k = Math.floor(4 * Math.log2(24)) + 1; Math.round(2 ** (k / 4)) <= 2 ** 15; k++) steps.add(Math.round(2 ** (k / 4)));
  const exact = Array.from({ length: 24 }, (_, i) => i + 1);
  const snapped = snapToBucketEdges(steps, LAYER_BUCKET_EDGES.filter((e) => e > 24), 2 ** 0.125);
  return [...new Set([...exact, ...snapped])].sort((a, b) => a - b);
}

/**
 * Parameter edges: 1 (any parameter at all), then log10 steps of 0.1 from 10
 * to 10^10 as integer lower edges (the log layout's resolution), with the
 * bucket edges 100k, 1m, 5m, 25m, 100m in place of the nearest steps.
 */
export function bucketParamEdges(): number[] {
  const gridPoints = [1];
  for (let k = 10; k <= 100; k++) gridPoints.push(Math.round(10 ** (k / 10)));
  return snapToBucketEdges(gridPoints, PARAM_BUCKET_EDGES, 10 ** 0.05);
}

/**
 * Interval edges 0, 1, …, `exact` (every small count its own bin), then the
 * rounded powers 2^(k / perOctave) above it up to `top`.
 */
function exactThenOctaveEdges(exact: number, perOctave: number, top: number): number[] {
  const edges = Array.from({ length: exact + 1 }, (_, i) => i);
  for (let k = Math.floor(perOctave * Math.log2(exact)) + 1; Math.round(2 ** (k / perOctave)) <= top; k++) {
    const e = Math.round(2 ** (k / perOctave));
    if (e > edges[edges.length - 1]!) edges.push(e);
  }
  return edges;
}

/**
 * Block-count edges: 0 (none of the kind), every count 1…24 its own bin, then
 * quarter-octave steps to 2^12 (no graph we have comes near 4096 blocks of a kind).
 */
export function blockCountEdges(): number[] {
  return exactThenOctaveEdges(24, 4, 2 ** 12);
}

/**
 * Output-width edges: 0 (unknown), every width 1…32 its own bin (class counts
 * are asked exactly), then eighth-octave steps to 2^17.
 */
export function outputWidthEdges(): number[] {
  return exactThenOctaveEdges(32, 8, 2 ** 17);
}

/** The "output" layout's column: the graph's output width (featurize.ts graphOutputWidth). */
export const OUTPUT_WIDTH_FEATURE = 'graph_output_width';

/** The bin feature naming the count of one block kind, and the kind a feature name counts. */
const BLOCK_FEATURE_PREFIX = 'graph_blocks_';
export function blockKindOfFeature(name: string): BlockKind | undefined {
  if (!name.startsWith(BLOCK_FEATURE_PREFIX)) return undefined;
  const kind = name.slice(BLOCK_FEATURE_PREFIX.length);
  return isBlockKind(kind) ? kind : undefined;
}

const NODE_FEATURES: readonly BinFeature[] = BIN_FEATURES.slice(0, 6).map(([name, table]) => ({ name, values: BIN_VALUES[table] }));
const GRAPH_NODES_FEATURE: BinFeature = { name: 'graph_log2_nodes', values: BIN_VALUES.log2Count };

export const LOG_LAYOUT: BinLayout = {
  name: 'log',
  features: BIN_FEATURES.map(([name, table]) => ({ name, values: BIN_VALUES[table] })),
};

export const BUCKET_LAYOUT: BinLayout = {
  name: 'bucket',
  features: [
    ...NODE_FEATURES,
    { name: 'graph_params', values: bucketParamEdges(), binning: 'interval' },
    { name: 'graph_weighted_layers', values: bucketLayerEdges(), binning: 'interval' },
    GRAPH_NODES_FEATURE,
  ],
};

export const BLOCKS_LAYOUT: BinLayout = {
  name: 'blocks',
  features: [
    ...LOG_LAYOUT.features,
    ...BLOCK_KINDS.map((kind): BinFeature => ({ name: BLOCK_FEATURE_PREFIX + kind, values: blockCountEdges(), binning: 'interval' })),
  ],
};

export const OUTPUT_LAYOUT: BinLayout = {
  name: 'output',
  features: [...BLOCKS_LAYOUT.features, { name: OUTPUT_WIDTH_FEATURE, values: outputWidthEdges(), binning: 'interval' }],
};

const LAYOUTS: Record<BinLayoutName, BinLayout> = { log: LOG_LAYOUT, bucket: BUCKET_LAYOUT, blocks: BLOCKS_LAYOUT, output: OUTPUT_LAYOUT };

/** The layout of a name (as the dataset flag gives it); undefined for any other name. */
export function binLayoutNamed(name: string): BinLayout | undefined {
  return (BIN_LAYOUT_NAMES as readonly string[]).includes(name) ? LAYOUTS[name as BinLayoutName] : undefined;
}

/** The contents of bins.json for a layout (the log layout's is that of the sets bundled until run F, byte for byte). */
export function binsFile(layout: BinLayout = LOG_LAYOUT): BinsFile {
  return {
    features: layout.features.map((f) => (f.binning ? { name: f.name, values: [...f.values], binning: f.binning } : { name: f.name, values: [...f.values] })),
    unknown: 0,
  };
}

/** The known layout a parsed bins.json is exactly, or undefined (a set from another featurizer). */
export function binLayoutOfFile(file: unknown): BinLayout | undefined {
  const text = JSON.stringify(file);
  return BIN_LAYOUT_NAMES.map((n) => LAYOUTS[n]).find((l) => JSON.stringify(binsFile(l)) === text);
}

/** Index (1-based) of the nearest bin value, ties to the smaller; 0 for null / non-positive / non-finite. */
export function binIndex(values: readonly number[], x: number | null | undefined): number {
  if (x === null || x === undefined || !Number.isFinite(x) || x <= 0) return 0;
  let lo = 0;
  let hi = values.length - 1;
  if (x <= values[0]!) return 1;
  if (x >= values[hi]!) return hi + 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return x - values[lo]! <= values[hi]! - x ? lo + 1 : hi + 1;
}

/** Number of edges ≤ x (edges ascending); 0 below the first edge or for null / non-finite x. */
export function intervalBinIndex(edges: readonly number[], x: number | null | undefined): number {
  if (x === null || x === undefined || Number.isNaN(x)) return 0;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The bin of a raw whole-graph count in one feature: interval features take the
 * count itself; nearest-value features named graph_log10_* / graph_log2_* take
 * log10(1 + count) / log2(1 + count), as bucket_bins.py reads bins.json.
 */
export function graphFeatureBin(feature: BinFeature, count: number): number {
  if (feature.binning === 'interval') return intervalBinIndex(feature.values, count);
  if (feature.name.startsWith('graph_log10_')) return binIndex(feature.values, Math.log10(1 + count));
  if (feature.name.startsWith('graph_log2_')) return binIndex(feature.values, Math.log2(1 + count));
  return binIndex(feature.values, count);
}
