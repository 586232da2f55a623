/**
 * The cached caption decoder (caption_cross_kv.onnx once per search, then
 * caption_decoder_step.onnx per step: training/archbert/decoder_cache.py) must
 * decode exactly what the full-prefix decoder decodes: same beam hypotheses
 * and scores, same greedy captions, same logits step by step while the beam
 * reorders the cache. Run on the tiny set in
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
/**
 * A hypothesis's log-probability sums one float32 term per token, each off by up to ~1e-7 between the
 * two graphs, so its bound grows with the length (ConvNeXt-T's 80-odd-token captions: 1.1e-5 seen).
 */
const sumTolerance = (h: BeamHypothesis) => Math.max(TOLERANCE, 1e-6 * h.tokens.length);
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
    expect(Math.abs(h.score - full[i]!.score)).toBeLessThanOrEqual(sumTolerance(h));
    expect(Math.abs(h.logProb - full[i]!.logProb)).toBeLessThanOrEqual(sumTolerance(h));
  });
}

describe('cached caption decoder', () => {
  it('is used when the manifest lists the pair', () => {
    expect(set.has('caption_cross_kv') && set.has('caption_decoder_step')).toBe(true);
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

/** A copy of the tiny set whose manifest (and folder) is changed by `edit`. */
function editedCopy(edit: (dir: string, files: Record<string, { bytes: number; sha256: string }>) => void): ModelSet {
  const dir = mkdtempSync(join(tmpdir(), 'archbert-cache-'));
  copies.push(dir);
  cpSync(TINY, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(dir, manifest.files);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return ModelSet.load({ dir });
}
const copies: string[] = [];
afterAll(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));

function dropPair(dir: string, files: Record<string, unknown>): void {
  for (const f of ['caption_cross_kv.onnx', 'caption_decoder_step.onnx']) {
    rmSync(join(dir, f));
    delete files[f];
  }
}

describe('a set without the cached pair', () => {
  it('keeps the full-prefix step and decodes the same', async () => {
    const plain = editedCopy(dropPair);
    expect(plain.has('caption_cross_kv') || plain.has('caption_decoder_step')).toBe(false);
    // the step it builds never asks for the cached models (which would reject: not in the set)
    const arch = encoded[1]!;
    const viaPlain = await captionBeam(plain, arch, 4);
    expectSameHypotheses(await captionBeam(set, arch, 4), viaPlain);
    await expect(plain.run('caption_decoder_step', {})).rejects.toThrow(/not part of this model set/);
    expect(captionStep(plain, [arch])).toBeTypeOf('function');
  });

  it('with only the first version\'s caption_decoder_cached.onnx: loads, and decodes through the full decoder', async () => {
    const old = editedCopy((dir, files) => {
      dropPair(dir, files);
      // any bytes: the file is no longer read, so a stale or foreign one cannot break describe
      writeFileSync(join(dir, 'caption_decoder_cached.onnx'), 'not a model');
      files['caption_decoder_cached.onnx'] = { bytes: 11, sha256: '0'.repeat(64) };
    });
    const arch = encoded[0]!;
    expectSameHypotheses(await captionBeam(old, arch, 4), await beamSearch(fullPrefixStep(set, [arch]), { width: 4, maxLength: MAX_CAPTION_TOKENS, bos: SPECIAL.bos, eos: SPECIAL.eos, banned: BANNED }));
  });

  it('a pair file with another signature is a one-line error naming it', async () => {
    const wrong = editedCopy((dir, files) => {
      cpSync(join(dir, 'qa_head.onnx'), join(dir, 'caption_cross_kv.onnx'));
      files['caption_cross_kv.onnx'] = { ...files['qa_head.onnx']! };
    });
    const err = await captionBeam(wrong, encoded[0]!, 4).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^caption_cross_kv\.onnx: expected inputs \(node_states\) and outputs \(cross_kv\), the file has \(question_embedding, arch_embedding\) -> \(logits\)$/);
  });
});

// The bundled set, when it ships the cached pair (export.py or add_cached_decoder.py): describe's
// widened beam on a held-out family, and a greedy decode, give what the full-prefix decoder gives.
const BUNDLED = join(repoRoot, 'models', 'archbert');
const bundledManifest = (() => {
  try {
    return JSON.parse(readFileSync(join(BUNDLED, 'manifest.json'), 'utf8')) as { files?: Record<string, unknown> };
  } catch {
    return null;
  }
})();
const bundledHasPair = !!bundledManifest?.files?.['caption_cross_kv.onnx'] && !!bundledManifest?.files?.['caption_decoder_step.onnx'];
describe.skipIf(!bundledHasPair)('the bundled set\'s cached pair', () => {
  it('beam widths 4 and 8 on ConvNeXt-T: the same hypotheses and scores as the full-prefix decoder; greedy the same', async () => {
    const bundled = ModelSet.load({ dir: BUNDLED });
    const arch = await encodeArchitecture(bundled, (await analyzeModelFile(join(repoRoot, 'fixtures', 'models', 'convnext_tiny.onnx'))).opGraph);
    for (const width of [4, 8]) {
      const opts = { width, maxLength: MAX_CAPTION_TOKENS, bos: SPECIAL.bos, eos: SPECIAL.eos, banned: BANNED };
      const full = await beamSearch(fullPrefixStep(bundled, [arch]), opts);
      expect(full.length).toBeGreaterThan(0);
      expectSameHypotheses(await beamSearch(cachedCaptionStep(bundled, [arch]), opts), full);
      expectSameHypotheses(await captionBeam(bundled, arch, width), full);
    }
    // greedy over two architectures of different sizes (the smaller one's node padding masked)
    const archs = [arch, await encodeArchitecture(bundled, (await analyzeModelFile(join(repoRoot, 'fixtures', 'models', 'resnet18.onnx'))).opGraph)];
    const opts = { bos: SPECIAL.bos, eos: SPECIAL.eos, maxLength: MAX_CAPTION_TOKENS };
    const full = await greedyDecode(fullPrefixStep(bundled, archs), opts, archs.length);
    expect(await greedyDecode(cachedCaptionStep(bundled, archs), opts, archs.length)).toEqual(full);
    expect(full.every((c) => c.length > 0)).toBe(true);
  }, 120_000);
});
