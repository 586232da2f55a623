/**
 * Issue 15: the feature cache validates what it reads. A damaged entry
 * (truncated or wrong-shape X.npy, garbage meta.json) or a damaged derived
 * model is recomputed with a warning, never fatal and never served; --strict
 * still fails on an unreadable image when the features come from the cache.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { FeatureCache } from '../../../src/core/features/cache.js';
import { loadDataset, type ImageDataset } from '../../../src/core/features/datasets.js';
import { extractFeatures } from '../../../src/core/features/extract.js';
import { loadZoo } from '../../../src/core/features/zoo.js';
import { encodeNpy } from '../../../src/core/io/npy.js';
import { SessionOpener } from '../../../src/core/runtime/session.js';

const fx = (p: string) => new URL(`../../../fixtures/rank/${p}`, import.meta.url).pathname;
const opener = () => new SessionOpener({ device: 'cpu' });
/** A session factory that throws: proves nothing is run. */
const noRuntime = () =>
  new SessionOpener({ device: 'cpu' }, async () => {
    throw new Error('inference attempted');
  });

/** Entry directory of each model in the cache, by model name. */
function entries(cacheDir: string): Map<string, string> {
  const root = join(cacheDir, 'features');
  return new Map(readdirSync(root).map((k) => [JSON.parse(readFileSync(join(root, k, 'meta.json'), 'utf8')).name as string, join(root, k)]));
}

describe('feature cache verification', () => {
  it('a truncated X.npy, a wrong-shape X.npy and a garbage meta.json are recomputed with a warning, giving the same features', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'etran-cache-'));
    const cache = new FeatureCache(cacheDir);
    const zoo = await loadZoo(fx('zoo-cls'));
    const data = (await loadDataset(fx('images'))) as ImageDataset;
    const first = await extractFeatures(zoo.models, data, { opener: opener(), cache });
    expect(first.failures).toEqual([]);
    const e = entries(cacheDir);
    truncateSync(join(e.get('gemm_a')!, 'X.npy'), 100);
    writeFileSync(join(e.get('gemm_b')!, 'X.npy'), encodeNpy({ dtype: 'float32', shape: [3, 2], data: new Float32Array(6) }));
    writeFileSync(join(e.get('matmul_c')!, 'meta.json'), JSON.stringify({ version: 3, name: 'matmul_c', rows: 'x' }));
    const second = await extractFeatures(zoo.models, data, { opener: opener(), cache });
    expect(second.failures).toEqual([]);
    expect(second.features.map((f) => f.cached)).toEqual([false, false, false]);
    expect(second.warnings).toHaveLength(3);
    expect(second.warnings.join('\n')).toMatch(/entry of gemm_a damaged \(.*X\.npy: truncated/);
    expect(second.warnings.join('\n')).toMatch(/entry of gemm_b damaged \(.*X\.npy: (checksum|truncated|\.npy file longer)/);
    expect(second.warnings.join('\n')).toMatch(/entry of matmul_c damaged \(meta\.json/);
    second.features.forEach((f, i) => expect(Array.from(f.X)).toEqual(Array.from(first.features[i]!.X)));
    // Healed: the third run is served from the cache without a word.
    const third = await extractFeatures(zoo.models, data, { opener: noRuntime(), cache });
    expect(third.features.map((f) => f.cached)).toEqual([true, true, true]);
    expect(third.warnings).toEqual([]);
  });

  it('a same-size bit flip in X.npy is caught by the checksum', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'etran-cache-'));
    const cache = new FeatureCache(cacheDir);
    const zoo = await loadZoo(fx('zoo-cls'));
    const models = zoo.models.slice(0, 1);
    const data = (await loadDataset(fx('images'))) as ImageDataset;
    await extractFeatures(models, data, { opener: opener(), cache });
    const x = join(entries(cacheDir).get(models[0]!.name)!, 'X.npy');
    const bytes = readFileSync(x);
    bytes[bytes.length - 1]! ^= 0x40;
    writeFileSync(x, bytes);
    const again = await extractFeatures(models, data, { opener: opener(), cache });
    expect(again.features[0]!.cached).toBe(false);
    expect(again.warnings.join('\n')).toMatch(/checksum differs/);
  });

  it('a truncated derived model is rebuilt with a warning, not a failure on every later run', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'etran-cache-'));
    const cache = new FeatureCache(cacheDir);
    const zoo = await loadZoo(fx('zoo-cls'));
    const data = (await loadDataset(fx('images'))) as ImageDataset;
    await extractFeatures(zoo.models, data, { opener: opener(), cache });
    const derived = readdirSync(join(cacheDir, 'models')).filter((f) => f.endsWith('.onnx'));
    expect(derived.length).toBeGreaterThan(0);
    for (const f of derived) truncateSync(join(cacheDir, 'models', f), 10);
    rmSync(join(cacheDir, 'features'), { recursive: true }); // so the models are prepared again
    const r = await extractFeatures(zoo.models, data, { opener: opener(), cache });
    expect(r.failures).toEqual([]);
    expect(r.warnings.filter((w) => /derived model of .* damaged/.test(w))).toHaveLength(derived.length);
  });

  it('--strict fails on an unreadable image even when every feature comes from the cache', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'etran-broken-'));
    cpSync(fx('images-broken'), dataDir, { recursive: true });
    const cache = new FeatureCache(mkdtempSync(join(tmpdir(), 'etran-cache-')));
    const zoo = await loadZoo(fx('zoo-cls'));
    const data = (await loadDataset(dataDir)) as ImageDataset;
    const lenient = await extractFeatures(zoo.models, data, { opener: opener(), cache });
    expect(lenient.skipped).toHaveLength(1);
    const cached = await extractFeatures(zoo.models, data, { opener: noRuntime(), cache });
    expect(cached.features.every((f) => f.cached)).toBe(true);
    expect(cached.skipped).toHaveLength(1);
    const strict = extractFeatures(zoo.models, data, { opener: noRuntime(), cache, strict: true });
    await expect(strict).rejects.toThrow(InputError);
    await expect(extractFeatures(zoo.models, data, { opener: noRuntime(), cache, strict: true })).rejects.toThrow(/broken\.png: unreadable image/);
  });
});
