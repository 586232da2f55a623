/**
 * Fuzz (issue 15): a features directory
 * (`etran features` output) with corrupted arrays and labels through `etran rank --data DIR`,
 * and a corrupted feature cache through a second `etran rank`.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { expectContract, jsonOf, printTimings, runCapped } from './contract.js';
import { FUZZ_SEED, mutateBytes, mutateJson, rngFor } from './mutate.js';

const tmp = mkdtempSync(join(tmpdir(), 'fuzz-etran-features-'));
afterAll(() => {
  printTimings('fuzz/etran-features');
  rmSync(tmp, { recursive: true, force: true });
});
const fx = (f: string) => join(repoRoot, 'fixtures/rank', f);

describe(`fuzz: features directories and the feature cache through etran rank (seed ${FUZZ_SEED})`, () => {
  it('a features directory with a truncated array, a NaN, a JSON bomb as labels.json and a mutated manifest', () => {
    const out = join(tmp, 'features');
    const made = runCapped('etran', ['features', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--no-cache', '--out', out, '--json'], 'features (the directory to corrupt)');
    expectContract(made, [0]);
    const r = rngFor('features-dir');
    const variants: Array<[string, (dir: string) => void]> = [
      ['gemm_a.npy truncated', (d) => writeFileSync(join(d, 'gemm_a.npy'), mutateBytes(readFileSync(join(d, 'gemm_a.npy')), r, 0).value)],
      ['a NaN in gemm_b.npy', (d) => {
        const b = readFileSync(join(d, 'gemm_b.npy'));
        new DataView(b.buffer, b.byteOffset).setFloat32(b.length - 4, Number.NaN, true);
        writeFileSync(join(d, 'gemm_b.npy'), b);
      }],
      ['labels.json a JSON bomb (200,000 nested arrays)', (d) => writeFileSync(join(d, 'labels.json'), '['.repeat(200_000) + ']'.repeat(200_000))],
      ['manifest.json mutated', (d) => writeFileSync(join(d, 'manifest.json'), mutateJson(JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')), r).value)],
    ];
    variants.forEach(([how, corrupt], i) => {
      const d = join(tmp, `features-${i}`);
      cpSync(out, d, { recursive: true });
      corrupt(d);
      const res = runCapped('etran', ['rank', '--data', d, '--zoo', fx('zoo-cls'), '--json', '--bootstrap', '0', '--metrics', 'leep,energy'], `rank --data features dir: ${how}`);
      expectContract(res);
      if (res.code === 0 || res.code === 1) {
        const o = jsonOf(res) as { ranking: string[]; failed?: Record<string, string> };
        // A model whose array is bad is failed with the reason, never ranked on it silently.
        if (i <= 1) expect(Object.keys(o.failed ?? {}), res.label).toContain(i === 0 ? 'gemm_a' : 'gemm_b');
      }
    });
  });

  it('a corrupted feature cache: later runs recompute the entry (exit 0), never fail on it for good', () => {
    const cache = join(tmp, 'cache');
    const args = ['rank', '--zoo', fx('zoo-cls'), '--data', fx('images'), '--cache', cache, '--json', '--bootstrap', '0', '--metrics', 'leep,energy'];
    expectContract(runCapped('etran', args, 'rank filling the cache'), [0]);
    const r = rngFor('cache');
    const entries = readdirSync(join(cache, 'features')).sort();
    const models = readdirSync(join(cache, 'models')).filter((f) => f.endsWith('.onnx')).sort();
    expect(entries.length && models.length).toBeTruthy();
    const hows: string[] = [];
    const corrupt = (f: string, kind: number) => {
      const m = mutateBytes(readFileSync(f), r, kind);
      writeFileSync(f, m.value);
      hows.push(`${f.slice(cache.length + 1, cache.length + 30)}… ${m.how}`);
    };
    corrupt(join(cache, 'features', entries[0]!, 'X.npy'), 0);
    corrupt(join(cache, 'features', entries[1]!, 'X.npy'), 1);
    writeFileSync(join(cache, 'features', entries[2]!, 'meta.json'), mutateJson(JSON.parse(readFileSync(join(cache, 'features', entries[2]!, 'meta.json'), 'utf8')), r).value);
    hows.push(`${entries[2]!.slice(0, 12)}…/meta.json mutated`);
    corrupt(join(cache, 'models', models[0]!), 0);
    for (const strict of [false, true]) {
      const res = runCapped('etran', strict ? [...args, '--strict'] : args, `rank from the corrupted cache${strict ? ' --strict' : ''}: ${hows.join('; ')}`);
      expectContract(res, [0]);
      expect((jsonOf(res) as { ranking: string[] }).ranking.sort(), res.label).toEqual(['gemm_a', 'gemm_b', 'matmul_c']);
      if (strict) break;
      // Healed: the cache's entries are whole again.
      expect(existsSync(join(cache, 'features', entries[0]!, 'X.npy'))).toBe(true);
    }
  });

  // Found with FUZZ_SEED=7: a manifest.json that lost a model's "probs" gave the warning about the
  // ignored MODEL.probs.npy before the exit-2 error for --metrics leep (two lines on stderr).
  it('a manifest without one model\'s probs, --metrics leep: exit 2 with one line', () => {
    const d = join(tmp, 'features-noprobs');
    cpSync(join(tmp, 'features'), d, { recursive: true });
    const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    delete m.models[2].probs;
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
    const res = runCapped('etran', ['rank', '--data', d, '--zoo', fx('zoo-cls'), '--json', '--bootstrap', '0', '--metrics', 'leep,energy'], 'rank --data features dir: manifest without models[2].probs');
    expectContract(res, [2]);
  });
});
