/**
 * CLI contract of `archbert describe`: exit codes, --json is pure JSON,
 * one-line errors naming the file for bad input.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const model = 'fixtures/models/resnet18.onnx';
const tmp = mkdtempSync(join(tmpdir(), 'describe-test-'));

describe('archbert describe', () => {
  it('--facts --json prints only the facts JSON', () => {
    const r = runCli('archbert', ['describe', model, '--facts', '--json']);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f.file).toBe(model);
    expect(f.format).toBe('onnx');
    expect(f.params).toMatchObject({ trainable: 11_689_512, buffers: 9_600, total: 11_699_112 });
    expect(f.depth).toBe(18);
    expect(f.family.guess).toBe('resnet');
  });

  it('human output without --facts: readable summary with units', () => {
    const r = runCli('archbert', ['describe', model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/params\s+11\.70M total = 11\.69M trainable \(11,689,512\) \+ 9\.60K buffers/);
    expect(r.stdout).toMatch(/MACs\s+1\.81G/);
    expect(r.stdout).toMatch(/depth\s+18 weighted layers/);
    expect(r.stdout).toMatch(/residual ×8/);
    expect(r.stdout).toMatch(/family\s+resnet/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour when piped
  });

  it('--input-shape overrides the assumed batch (MACs scale with it)', () => {
    const one = JSON.parse(runCli('archbert', ['describe', model, '--json']).stdout);
    const r = runCli('archbert', ['describe', model, '--json', '--input-shape', 'input=2x3x224x224']);
    expect(r.code).toBe(0);
    const two = JSON.parse(r.stdout);
    expect(two.macs).toBe(2 * one.macs);
    expect(two.notes ?? []).not.toContainEqual(expect.stringMatching(/assumed/));
  });

  it('bad input → exit 2 with one line naming the file', () => {
    const garbage = join(tmp, 'garbage.onnx');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
    for (const p of [join(tmp, 'missing.onnx'), tmp, garbage]) {
      const r = runCli('archbert', ['describe', p, '--json']);
      expect(r.code, p).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toContain(p);
    }
  });

  it('bad --input-shape → exit 2', () => {
    for (const spec of ['input=1xfoo', 'nope=1x3x224x224', 'input=1x3x224']) {
      const r = runCli('archbert', ['describe', model, '--input-shape', spec]);
      expect(r.code, spec).toBe(2);
      expect(r.stderr.trim().split('\n').length).toBe(1);
    }
  });

  it('--help shows examples', () => {
    const r = runCli('archbert', ['describe', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
  });
});
