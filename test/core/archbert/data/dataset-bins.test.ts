import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../../../helpers/jsonl.js';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { buildDataset, type BuildResult } from '../../../../src/core/archbert/data/dataset.js';
import { BLOCKS_LAYOUT, BUCKET_LAYOUT, OUTPUT_LAYOUT, binLayoutOfFile, binsFile, intervalBinIndex, outputWidthEdges } from '../../../../src/core/archbert/model/bin-layout.js';
import { runCli } from '../../../helpers/cli.js';


let work: string;
let log: BuildResult;
let bucket: BuildResult;
let blocks: BuildResult;
let output: BuildResult;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'archbert-ds-bins-'));
  log = await buildDataset({ realDir: null, generated: 12, seed: 5, out: join(work, 'log') }, graphDeps);
  bucket = await buildDataset({ realDir: null, generated: 12, seed: 5, out: join(work, 'bucket'), bins: BUCKET_LAYOUT }, graphDeps);
  blocks = await buildDataset({ realDir: null, generated: 12, seed: 5, out: join(work, 'blocks'), bins: BLOCKS_LAYOUT }, graphDeps);
  output = await buildDataset({ realDir: null, generated: 12, seed: 5, out: join(work, 'output'), bins: OUTPUT_LAYOUT }, graphDeps);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('dataset build bin layout', () => {
  it('defaults to the log layout: bins.json as today, recorded in the manifest', () => {
    expect(readFileSync(join(work, 'log', 'bins.json'), 'utf8')).toBe(JSON.stringify(binsFile()) + '\n');
    expect(log.manifest.bins).toBe('log');
  });

  it('--bins bucket writes its bins.json and bins every [graph] node with it', () => {
    const text = readFileSync(join(work, 'bucket', 'bins.json'), 'utf8');
    expect(binLayoutOfFile(JSON.parse(text))).toBe(BUCKET_LAYOUT);
    expect(bucket.manifest.bins).toBe('bucket');
    expect(JSON.parse(readFileSync(join(work, 'bucket', 'manifest.json'), 'utf8')).bins).toBe('bucket');
    const logGraphs = readJsonl(join(work, 'log', 'graphs.jsonl'));
    const bucketGraphs = readJsonl(join(work, 'bucket', 'graphs.jsonl'));
    expect(bucketGraphs.map((g) => g.id)).toEqual(logGraphs.map((g) => g.id));
    let differs = 0;
    bucketGraphs.forEach((g, i) => {
      const last = g.bins[g.n - 1] as number[];
      expect(last[6]).toBeLessThanOrEqual(BUCKET_LAYOUT.features[6]!.values.length);
      expect(last[7]).toBeLessThanOrEqual(BUCKET_LAYOUT.features[7]!.values.length);
      expect(g.bins.slice(0, -1)).toEqual(logGraphs[i].bins.slice(0, -1));
      if (JSON.stringify(last) !== JSON.stringify(logGraphs[i].bins[g.n - 1])) differs++;
    });
    expect(differs).toBeGreaterThan(0);
  });

  it('--bins blocks keeps the log columns and adds block counts on the [graph] node only', () => {
    expect(binLayoutOfFile(JSON.parse(readFileSync(join(work, 'blocks', 'bins.json'), 'utf8')))).toBe(BLOCKS_LAYOUT);
    expect(blocks.manifest.bins).toBe('blocks');
    const logGraphs = readJsonl(join(work, 'log', 'graphs.jsonl'));
    const blockGraphs = readJsonl(join(work, 'blocks', 'graphs.jsonl'));
    let withBlocks = 0;
    blockGraphs.forEach((g, i) => {
      const rows = g.bins as number[][];
      expect(rows.map((r) => r.slice(0, 9))).toEqual(logGraphs[i].bins);
      expect(rows.slice(0, -1).every((r) => r.length === 15 && r.slice(9).every((b) => b === 0))).toBe(true);
      // every kind is counted on the [graph] node: bin 1 (none) or more, never 0 (not applicable)
      expect(rows[g.n - 1]!.slice(9).every((b) => b >= 1)).toBe(true);
      if (rows[g.n - 1]!.slice(9).some((b) => b > 1)) withBlocks++;
    });
    expect(withBlocks).toBeGreaterThan(0);
  });

  it('--bins output keeps the blocks columns and puts the class count asked in the QA on the [graph] node', () => {
    expect(binLayoutOfFile(JSON.parse(readFileSync(join(work, 'output', 'bins.json'), 'utf8')))).toBe(OUTPUT_LAYOUT);
    expect(output.manifest.bins).toBe('output');
    const blockGraphs = readJsonl(join(work, 'blocks', 'graphs.jsonl'));
    const outputGraphs = readJsonl(join(work, 'output', 'graphs.jsonl'));
    const classes = new Map(readJsonl(join(work, 'output', 'qa.jsonl')).filter((q) => q.template === 'classes').map((q) => [q.graph_id, Number(q.answers[0])]));
    expect(classes.size).toBeGreaterThan(0);
    outputGraphs.forEach((g, i) => {
      const rows = g.bins as number[][];
      expect(rows.map((r) => r.slice(0, 15))).toEqual(blockGraphs[i].bins);
      expect(rows.slice(0, -1).every((r) => r.length === 16 && r[15] === 0)).toBe(true);
      const asked = classes.get(g.id);
      if (asked !== undefined) expect(rows[g.n - 1]![15], g.id).toBe(intervalBinIndex(outputWidthEdges(), asked));
    });
  });

  it('the CLI refuses an unknown layout as bad usage (exit 2, one line)', () => {
    const r = runCli('archbert', ['dataset', 'build', '--generated', '1', '--bins', 'linear', '--out', join(work, 'cli')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--bins must be one of log, bucket, blocks, output, got 'linear'/);
  });
});
