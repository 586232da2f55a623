/**
 * The cached caption decoder (caption_decoder_cached.onnx, training/archbert/
 * decoder_cache.py) must decode exactly what the full-prefix decoder decodes:
 * same beam hypotheses and scores, same greedy captions, same logits step by
 * step while the beam reorders the cache. Run on the tiny set in
 * fixtures/archbert-tiny-cached/ (its README says how it was made), with real
 * architectures from fixtures/models encoded by that set's encoder; no Python.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeModelFile } from '../../../../src/core/archbert/facts/model-file.js';
import { beamSearch, greedyDecode, type BeamHypothesis } from '../../../../src/core/archbert/model/beam.js';
import { encodeArchitecture, type ArchEncoding } from '../../../../src/core/archbert/model/embed.js';
import { cachedCaptionStep, captionBeam, captionStep, fullPrefixStep } from '../../../../src/core/archbert/model/heads.js';
import { MAX_CAPTION_TOKENS } from '../../../../src/core/archbert/model/limits.js';
import { ModelSet } from '../../../../src/core/archbert/model/model-set.js';
import { SPECIAL } from '../../../../src/core/archbert/model/tokenizer.js';
import { repoRoot } from '../../../helpers/cli.js';

const TINY = join(repoRoot, 'fixtures', 'archbert-tiny-cached');
const ARCHS = ['squeezenet1_0', 'resnet18', 'mobilenet_v3_small'];
/** float32 end to end; the two graphs sum in different orders. */
const TOLERANCE = 1e-5;
const BANNED = [SPECIAL.pad, SPECIAL.unk, SPECIAL.cls, SPECIAL.sep, SPECIAL.mask, SPECIAL.bos];

let set: ModelSet;
const encoded: ArchEncoding[] = [];

beforeAll(async () => {
  set = ModelSet.load({ dir: TINY });
  for (const f of ARCHS) encoded.push(await encodeArchitecture(set, (await analyzeModelFile(join(repoRoot, 'fixtures', 'models', `${f}.onnx`))).opGraph));
}, 60_000);

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function expectSameHypotheses(cached: BeamHypothesis[], full: BeamHypothesis[]): void {
  expect(cached.map((h) => h.tokens)).toEqual(full.map((h) => h.tokens));
  expect(cached.map((h) => h.finished)).toEqual(full.map((h) => h.finished));
  cached.forEach((h, i) => {
    expect(Math.abs(h.score - full[i]!.score)).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(h.logProb - full[i]!.logProb)).toBeLessThanOrEqual(TOLERANCE);
  });
}

describe('cached caption decoder', () => {
  it('is used when the manifest lists it', () => {
    expect(set.has('caption_decoder_cached')).toBe(true);
  });

  for (const width of [4, 8, 16]) {
    it(`beam width ${width}: the same hypotheses and scores as the full-prefix decoder`, async () => {
      for (const arch of encoded) {
        const opts = { width, maxLength: MAX_CAPTION_TOKENS, bos: SPECIAL.bos, eos: SPECIAL.eos, banned: BANNED };
        const full = await beamSearch(fullPrefixStep(set, [arch]), opts);
        const cached = await beamSearch(cachedCaptionStep(set, [arch]), opts);
        expect(full.length).toBeGreaterThan(0);
        expectSameHypotheses(cached, full);
        // captionBeam (describe's path) takes the cached step on this set
        expectSameHypotheses(await captionBeam(set, arch, width), full);
      }
    });
  }

  it('greedy over a batch of architectures (eval): the same captions', async () => {
    const opts = { bos: SPECIAL.bos, eos: SPECIAL.eos, maxLength: MAX_CAPTION_TOKENS };
    const full = await greedyDecode(fullPrefixStep(set, encoded), opts, encoded.length);
    const cached = await greedyDecode(cachedCaptionStep(set, encoded), opts, encoded.length);
    expect(cached).toEqual(full);
    expect(full.some((c) => c.length > 0)).toBe(true);
  });

  it('logits agree at every step of a 60-token decode while rows are reordered and dropped', async () => {
    // Forced continuations (not the decoder's choice) so the cache grows to 60 positions; the
    // parents shuffle, duplicate and drop rows as a beam does.
    const full = fullPrefixStep(set, encoded);
    const cached = cachedCaptionStep(set, encoded);
    let prefixes: number[][] = [0, 1, 2, 0].map(() => [SPECIAL.bos]);
    let rows = [0, 1, 2, 0];
    let parents: number[] | undefined;
    let worst = 0;
    for (let step = 0; step < 60; step++) {
      const a = await full(prefixes, rows, parents);
      const b = await cached(prefixes, rows, parents);
      a.forEach((l, i) => (worst = Math.max(worst, maxDiff(b[i]!, l))));
      parents = step % 3 === 2 ? [2, 0, 0] : prefixes.length === 3 ? [1, 2, 0, 0] : [3, 1, 2, 0];
      rows = parents.map((p) => rows[p]!);
      prefixes = parents.map((p, i) => [...prefixes[p]!, 7 + ((step * 5 + i * 3) % 30)]);
    }
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  });

  it('refuses prefixes that do not extend its cache by one token', async () => {
    const step = cachedCaptionStep(set, [encoded[0]!]);
    await step([[SPECIAL.bos]]);
    await expect(step([[SPECIAL.bos, 7, 8]], undefined, [0])).rejects.toThrow(/cache/);
  });
});

describe('a set without the cached decoder', () => {
  let dir: string;
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('keeps the full-prefix step and decodes the same', async () => {
    dir = mkdtempSync(join(tmpdir(), 'archbert-nocache-'));
    cpSync(TINY, dir, { recursive: true });
    rmSync(join(dir, 'caption_decoder_cached.onnx'));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    delete manifest.files['caption_decoder_cached.onnx'];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const plain = ModelSet.load({ dir });
    expect(plain.has('caption_decoder_cached')).toBe(false);
    // the step it builds never asks for the cached model (which would reject: not in the set)
    const arch = encoded[1]!;
    const viaPlain = await captionBeam(plain, arch, 4);
    expectSameHypotheses(await captionBeam(set, arch, 4), viaPlain);
    await expect(plain.run('caption_decoder_cached', {})).rejects.toThrow(/not part of this model set/);
    expect(captionStep(plain, [arch])).toBeTypeOf('function');
  });
});

// The bundled set, when it ships the cached step (export.py or add_cached_decoder.py): describe's
// widened beam on a held-out family decodes what the full-prefix decoder decodes.
const BUNDLED = join(repoRoot, 'models', 'archbert');
const bundledManifest = (() => {
  try {
    return JSON.parse(readFileSync(join(BUNDLED, 'manifest.json'), 'utf8')) as { files?: Record<string, unknown> };
  } catch {
    return null;
  }
})();
describe.skipIf(!bundledManifest?.files?.['caption_decoder_cached.onnx'])('the bundled set\'s cached decoder', () => {
  it('beam widths 4 and 8 on ConvNeXt-T: the same hypotheses and scores as the full-prefix decoder', async () => {
    const bundled = ModelSet.load({ dir: BUNDLED });
    const arch = await encodeArchitecture(bundled, (await analyzeModelFile(join(repoRoot, 'fixtures', 'models', 'convnext_tiny.onnx'))).opGraph);
    for (const width of [4, 8]) {
      const opts = { width, maxLength: MAX_CAPTION_TOKENS, bos: SPECIAL.bos, eos: SPECIAL.eos, banned: BANNED };
      const full = await beamSearch(fullPrefixStep(bundled, [arch]), opts);
      expect(full.length).toBeGreaterThan(0);
      expectSameHypotheses(await beamSearch(cachedCaptionStep(bundled, [arch]), opts), full);
    }
  }, 120_000);
});
