/**
 * Analysis never crashes on graphs that load: mutated/truncated model files
 * either fail to load with an InputError (the loader's contract) or load and
 * then analyze without throwing. Deterministic (seeded byte flips).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../../src/core/graph/load.js';
import { analyzeGraph } from '../../../src/core/graph/analyze.js';
import { InputError } from '../../../src/core/errors.js';
import { repoRoot } from '../../helpers/cli.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const files = ['fixtures/models/resnet18.onnx', 'fixtures/models/mobilenet_v2.onnx', 'fixtures/graphs/attention.onnx', 'fixtures/graphs/tiny_resnet.onnx'];

describe('analysis of mutated models', () => {
  it('300 mutations: InputError at load, or a clean analysis', () => {
    const r = rng(42);
    let loaded = 0;
    for (let k = 0; k < 300; k++) {
      const file = files[k % files.length]!;
      const buf = Buffer.from(readFileSync(join(repoRoot, file)));
      const kind = k % 3;
      let mutated: Buffer;
      if (kind === 0) mutated = buf.subarray(0, Math.floor(r() * buf.length));
      else {
        mutated = Buffer.from(buf);
        const flips = kind === 1 ? 1 : 1 + Math.floor(r() * 20);
        for (let f = 0; f < flips; f++) mutated[Math.floor(r() * mutated.length)] = Math.floor(r() * 256);
      }
      let g;
      try {
        g = parseGraph(mutated, file);
      } catch (e) {
        expect(e, `${file} mutation ${k}`).toBeInstanceOf(InputError);
        continue;
      }
      loaded++;
      expect(() => analyzeGraph(g), `${file} mutation ${k}`).not.toThrow();
    }
    // most single-byte flips land in weights/names and still load: the analysis really ran
    expect(loaded).toBeGreaterThan(30);
  });
});
