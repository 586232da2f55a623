/**
 * Bounds on what extraction decodes and feeds (issue 15): no image or resized
 * intermediate over MAX_IMAGE_PIXELS, no graph-fixed input over the zoo.json
 * limits, and the dataset's own skip notes reach the run's warnings.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildFeatureSets } from '../../../src/core/features/pipeline.js';
import { decodeImage, MAX_IMAGE_PIXELS } from '../../../src/core/features/preprocess.js';
import { SessionOpener } from '../../../src/core/runtime/session.js';

const fx = (p: string) => new URL(`../../../fixtures/rank/${p}`, import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'etran-bounds-'));

describe('image bounds', () => {
  it('a 1×4000 strip would be resized past MAX_IMAGE_PIXELS for a 224 crop: refused, not decoded', async () => {
    const file = join(tmp(), 'strip.png');
    await sharp({ create: { width: 4000, height: 1, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toFile(file);
    const g = { height: 224, width: 224, resize: 'shorter_side' as const, cropPct: 1 };
    await expect(decodeImage(file, [g])).rejects.toThrow(/resized to 896000×224 .*MAX_IMAGE_PIXELS/);
    await expect(decodeImage(file, [g, { ...g, height: 32, width: 32 }])).rejects.toThrow(/MAX_IMAGE_PIXELS/);
    // The same strip is fine when it need not grow: a 4000×1 stretch to 32×32.
    const stretched = await decodeImage(file, [{ height: 32, width: 32, resize: 'stretch', cropPct: 1 }]);
    expect(stretched.width).toBe(4000);
  });
  it('the limit is 8,192² pixels', () => {
    expect(MAX_IMAGE_PIXELS).toBe(8192 * 8192);
  });
});

describe('a graph-fixed input size is bounded like zoo.json input_size', () => {
  it('an input of 5000×5000 in the graph: that model fails naming its file and the limit, before any decoding', async () => {
    const { onnx } = onnxProto;
    const m = onnx.ModelProto.decode(readFileSync(fx('zoo-cls/gemm_a.onnx')));
    const dims = m.graph!.input![0]!.type!.tensorType!.shape!.dim!;
    expect(dims).toHaveLength(4);
    dims[2]!.dimValue = 5000;
    dims[3]!.dimValue = 5000;
    const zoo = tmp();
    writeFileSync(join(zoo, 'big.onnx'), onnx.ModelProto.encode(m).finish());
    const r = await buildFeatureSets({ zoo, data: fx('images'), cacheDir: null, opener: new SessionOpener({ device: 'cpu' }) });
    expect(r.features).toHaveLength(0);
    expect(r.failures.map((f) => f.message)).toEqual([expect.stringMatching(/big\.onnx: the graph's input 5000×5000 has a side over 4096 pixels \(MAX_INPUT_SIDE\)/)]);
  });
});

describe('the dataset notes reach the run', () => {
  it.skipIf(process.platform === 'win32')('a FIFO named like an image in an ImageFolder is skipped, and the run says so', async () => {
    const data = tmp();
    cpSync(fx('images'), data, { recursive: true });
    const cls = join(data, (await import('node:fs')).readdirSync(data).sort()[0]!);
    execFileSync('mkfifo', [join(cls, 'pipe.png')]);
    const r = await buildFeatureSets({ zoo: fx('zoo-cls'), data, cacheDir: null, opener: new SessionOpener({ device: 'cpu' }) });
    expect(r.warnings.join('\n')).toMatch(/1 entry skipped, not regular files \(first: .*pipe\.png: a FIFO\)/);
    expect(r.features.length).toBeGreaterThan(0);
  });
});
