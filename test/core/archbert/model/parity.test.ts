/**
 * The exported ArchBERT ONNX set (models/archbert/) must reproduce the PyTorch
 * outputs that training/archbert/export.py saved in parity.json, when run by
 * onnxruntime-node, and the manifest must describe the files that are there.
 *
 * ARCHBERT_MODELS_DIR overrides the directory (used while developing against a
 * throw-away export).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';

const DIR = process.env.ARCHBERT_MODELS_DIR ?? join(import.meta.dirname, '..', '..', '..', '..', 'models', 'archbert');
const MODELS = ['text_encoder', 'arch_encoder', 'reasoning_head', 'qa_head', 'caption_decoder'] as const;
/** float32 end to end; differences come from kernel summation order only. */
const TOLERANCE = 1e-4;
const INT64_INPUTS = new Set(['input_ids', 'attention_mask', 'ops', 'bins']);

type Nested = number | Nested[];
interface ParityCase {
  inputs: Record<string, Nested>;
  outputs: Record<string, Nested>;
}

function shapeOf(x: Nested): number[] {
  const s: number[] = [];
  let v: Nested = x;
  while (Array.isArray(v)) {
    s.push(v.length);
    v = v[0]!;
  }
  return s;
}

function flat(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

function tensor(name: string, x: Nested): ort.Tensor {
  const dims = shapeOf(x);
  const values = flat(x);
  if (INT64_INPUTS.has(name)) return new ort.Tensor('int64', BigInt64Array.from(values.map((v) => BigInt(v))), dims);
  return new ort.Tensor('float32', Float32Array.from(values), dims);
}

function maxAbsDiff(actual: ort.Tensor, expected: Nested): number {
  expect(Array.from(actual.dims)).toEqual(shapeOf(expected));
  const e = flat(expected);
  const a = actual.data as Float32Array;
  let m = 0;
  for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(a[i]! - e[i]!));
  return m;
}

const diffs: Record<string, number> = {};

describe('ArchBERT ONNX parity with PyTorch', () => {
  // models/archbert/ is committed: a missing parity.json is a failure, not a skip
  it('parity.json exists', () => expect(existsSync(join(DIR, 'parity.json'))).toBe(true));
  const parity = existsSync(join(DIR, 'parity.json'))
    ? (JSON.parse(readFileSync(join(DIR, 'parity.json'), 'utf8')) as Record<string, ParityCase>)
    : {};

  afterAll(() => {
    // the figure the issue asks for: max |onnxruntime - PyTorch| per model
    console.log(`ArchBERT ONNX parity, max abs diff: ${JSON.stringify(diffs)}`);
  });

  for (const name of MODELS) {
    it(`${name}.onnx reproduces the PyTorch outputs`, async () => {
      const session = await ort.InferenceSession.create(join(DIR, `${name}.onnx`));
      const c = parity[name]!;
      const feeds: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(c.inputs)) feeds[k] = tensor(k, v);
      const out = await session.run(feeds);
      let worst = 0;
      for (const [k, v] of Object.entries(c.outputs)) worst = Math.max(worst, maxAbsDiff(out[k]!, v));
      diffs[name] = worst;
      expect(worst).toBeLessThan(TOLERANCE);
    });
  }

  it('arch_encoder: a graph alone gives the same embedding as inside a padded batch', async () => {
    const session = await ort.InferenceSession.create(join(DIR, 'arch_encoder.onnx'));
    const inp = parity.arch_encoder!.inputs as Record<string, Nested[]>;
    const mask = inp.node_mask as number[][];
    // pick the graph with fewer nodes: it is padded in the batch
    const g = mask[0]!.reduce((a, b) => a + b, 0) <= mask[1]!.reduce((a, b) => a + b, 0) ? 0 : 1;
    const n = mask[g]!.reduce((a, b) => a + b, 0);
    const alone = {
      ops: [(inp.ops![g] as number[]).slice(0, n)],
      bins: [(inp.bins![g] as number[][]).slice(0, n)],
      adj: [(inp.adj![g] as number[][]).slice(0, n).map((r) => r.slice(0, n))],
      node_mask: [mask[g]!.slice(0, n)],
    };
    const feeds: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(alone)) feeds[k] = tensor(k, v as Nested);
    const out = await session.run(feeds);
    const expected = (parity.arch_encoder!.outputs.embedding as number[][])[g]!;
    expect(maxAbsDiff(out.embedding!, [expected])).toBeLessThan(TOLERANCE);
    const e = out.embedding!.data as Float32Array;
    expect(Math.hypot(...e)).toBeCloseTo(1, 5); // L2-normalised
  });

  it('caption_decoder accepts a different batch and prefix length (dynamic axes)', async () => {
    const session = await ort.InferenceSession.create(join(DIR, 'caption_decoder.onnx'));
    const c = parity.caption_decoder!.inputs as Record<string, Nested[]>;
    const ids = (c.input_ids![0] as number[]).slice(0, 2);
    const out = await session.run({
      input_ids: tensor('input_ids', [ids]),
      node_states: tensor('node_states', [c.node_states![0]!]),
      node_mask: tensor('node_mask', [c.node_mask![0]!]),
    });
    const vocab = (JSON.parse(readFileSync(join(DIR, 'vocab.json'), 'utf8')) as { tokens: string[] }).tokens;
    expect(Array.from(out.logits!.dims)).toEqual([1, vocab.length]);
  });

  it('manifest.json lists every model file with its sha256 and the set is ≤ 50 MB', () => {
    const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
      files: Record<string, { bytes: number; sha256: string }>;
      metrics: Record<string, unknown>;
      data: { hash: string | null };
    };
    let total = 0;
    for (const name of [...MODELS.map((m) => `${m}.onnx`), 'vocab.json', 'answers.json', 'ops.json', 'bins.json']) {
      const f = manifest.files[name];
      expect(f, name).toBeDefined();
      const bytes = readFileSync(join(DIR, name));
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(f!.sha256);
      expect(statSync(join(DIR, name)).size).toBe(f!.bytes);
      total += f!.bytes;
    }
    expect(total).toBeLessThan(50 * 1024 * 1024);
    expect(manifest.data.hash).toBeTruthy();
    expect(Object.keys(manifest.metrics).sort()).toEqual(['heldout', 'test']);
  });
});
