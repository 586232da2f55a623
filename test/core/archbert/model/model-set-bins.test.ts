import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ModelSet, sha256Hex } from '../../../../src/core/archbert/model/model-set.js';
import { BLOCKS_LAYOUT, BUCKET_LAYOUT, LOG_LAYOUT, OUTPUT_LAYOUT, binsFile } from '../../../../src/core/archbert/model/bin-layout.js';
import { encodeArchitecture } from '../../../../src/core/archbert/model/embed.js';
import { BIN_COLUMNS, featurize } from '../../../../src/core/archbert/model/featurize.js';
import { generateArchitecture } from '../../../../src/core/archbert/data/generate.js';
import { repoRoot } from '../../../helpers/cli.js';

const FIXTURE = join(repoRoot, 'fixtures', 'archbert-tiny-cached');
const tmp = mkdtempSync(join(tmpdir(), 'archbert-bins-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the tiny set with another bins.json, its manifest hash updated so only the bins check can refuse it. */
function withBins(name: string, bins: unknown): string {
  const dir = join(tmp, name);
  cpSync(FIXTURE, dir, { recursive: true });
  const text = JSON.stringify(bins) + '\n';
  writeFileSync(join(dir, 'bins.json'), text);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.files['bins.json'] = { bytes: Buffer.byteLength(text), sha256: sha256Hex(text) };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

/** Runs encodeArchitecture with the arch encoder replaced by a recorder: the feeds it would get, no inference. */
async function encoderFeeds(set: ModelSet, og = generateArchitecture(11).graph): Promise<{ bins: bigint[]; n: number }> {
  let fed: Record<string, ort.Tensor> = {};
  vi.spyOn(set, 'run').mockImplementation(async (_name, feeds) => {
    fed = feeds;
    const [, N] = feeds.ops!.dims as number[];
    return {
      embedding: new ort.Tensor('float32', new Float32Array(4), [1, 4]),
      node_states: new ort.Tensor('float32', new Float32Array(N! * 2), [1, N!, 2]),
    };
  });
  const enc = await encodeArchitecture(set, og);
  return { bins: Array.from(fed.bins!.data as BigInt64Array), n: enc.n };
}

describe('model set bin layouts', () => {
  it('the tiny fixture set (log bins) loads as the log layout and featurizes with it', async () => {
    const set = ModelSet.load({ dir: FIXTURE });
    expect(set.binLayout).toBe(LOG_LAYOUT);
    const og = generateArchitecture(11).graph;
    const { bins } = await encoderFeeds(set, og);
    expect(bins.map(Number)).toEqual(featurize(og).bins.flat());
  });

  it('a set with a bucket bins.json is accepted, and embed featurizes with its layout', async () => {
    const set = ModelSet.load({ dir: withBins('bucket', binsFile(BUCKET_LAYOUT)) });
    expect(set.binLayout).toBe(BUCKET_LAYOUT);
    const og = generateArchitecture(11).graph;
    const { bins, n } = await encoderFeeds(set, og);
    const expected = featurize(og, undefined, BUCKET_LAYOUT);
    expect(bins.map(Number)).toEqual(expected.bins.flat());
    // the [graph] row really differs from the log layout's, so this is not the default in disguise
    const graphRow = bins.slice((n - 1) * BIN_COLUMNS, n * BIN_COLUMNS).map(Number);
    expect(graphRow).not.toEqual(featurize(og).bins[n - 1]);
  });

  it('a set with a blocks bins.json gets 15 bin columns a node, the block counts on the [graph] row', async () => {
    const set = ModelSet.load({ dir: withBins('blocks', binsFile(BLOCKS_LAYOUT)) });
    expect(set.binLayout).toBe(BLOCKS_LAYOUT);
    const og = generateArchitecture(11).graph;
    const { bins, n } = await encoderFeeds(set, og);
    const expected = featurize(og, undefined, BLOCKS_LAYOUT);
    expect(bins).toHaveLength(n * 15);
    expect(bins.map(Number)).toEqual(expected.bins.flat());
  });

  it('a set with an output bins.json gets 16 bin columns a node, the class count last on the [graph] row', async () => {
    const set = ModelSet.load({ dir: withBins('output', binsFile(OUTPUT_LAYOUT)) });
    expect(set.binLayout).toBe(OUTPUT_LAYOUT);
    const arch = generateArchitecture(11);
    const { bins, n } = await encoderFeeds(set, arch.graph);
    expect(bins).toHaveLength(n * 16);
    expect(bins.map(Number)).toEqual(featurize(arch.graph, undefined, OUTPUT_LAYOUT).bins.flat());
    expect(Number(bins[n * 16 - 1])).toBeGreaterThan(0);
  });

  it('any other bins.json is still refused with the old message', () => {
    const edited = binsFile(BUCKET_LAYOUT);
    edited.features[6]!.values[40] += 1;
    const dir = withBins('edited', edited);
    expect(() => ModelSet.load({ dir })).toThrow(new RegExp(`${join(dir, 'bins.json')}: shape bins differ from this build's featurizer`));
    const mixed = binsFile(LOG_LAYOUT);
    mixed.features[6] = binsFile(BUCKET_LAYOUT).features[6]!;
    expect(() => ModelSet.load({ dir: withBins('mixed', mixed) })).toThrow(/bins\.json: shape bins differ/);
  });
});
