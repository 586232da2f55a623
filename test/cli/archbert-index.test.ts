/**
 * Issue 15, case 3, through the CLI: `archbert index` on a folder holding a
 * model whose op type and attribute are Object.prototype member names indexes
 * every file; a damaged index file is repaired with a warning, not fatal, and
 * `find --in INDEX` recomputes damaged entries instead of scoring them null.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'archbert-index-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const graphs = join(repoRoot, 'fixtures', 'graphs');

describe('archbert index / find with hostile names and a damaged index', () => {
  it('indexes every file, repairs damaged entries with a warning, and find scores every result', () => {
    const dir = join(tmp, 'zoo');
    mkdirSync(dir);
    const doc = JSON.parse(readFileSync(join(graphs, 'native_residual.json'), 'utf8'));
    const relu = doc.nodes.find((n: { op: string }) => n.op === 'Relu');
    relu.op = 'constructor';
    relu.attrs = { ...relu.attrs, ['__proto__']: 2, toString: 1 }; // computed key: an own property, not the prototype
    writeFileSync(join(dir, 'proto.json'), JSON.stringify(doc));
    copyFileSync(join(graphs, 'tiny_resnet.onnx'), join(dir, 'tiny_resnet.onnx'));
    copyFileSync(join(graphs, 'keras3_functional.json'), join(dir, 'keras3_functional.json'));

    const first = runCli('archbert', ['index', dir, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ entries: 3, skipped: [] });

    // Damage the index: an embedding cut short, another not text, a summary gone, a stray number.
    const path = join(dir, '.archbert-index.json');
    const idx = JSON.parse(readFileSync(path, 'utf8'));
    idx.entries[0].embedding = idx.entries[0].embedding.slice(0, -7);
    idx.entries[1].embedding = 5;
    idx.entries[2].summary = null;
    idx.entries.push(42);
    writeFileSync(path, JSON.stringify(idx));
    const damaged = JSON.stringify(idx);

    const again = runCli('archbert', ['index', dir, '--json']);
    expect(again.code).toBe(0);
    expect(again.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^warning: .*\.archbert-index\.json: 4 damaged entries \(.*\), recomputed from the model files$/)]);
    expect(JSON.parse(again.stdout)).toMatchObject({ entries: 3, skipped: [] });

    writeFileSync(path, damaged);
    const found = runCli('archbert', ['find', 'a small residual network', '--in', path, '--json']);
    expect(found.code).toBe(0);
    expect(found.stderr).toMatch(/4 damaged entries/);
    const results = JSON.parse(found.stdout).results as Array<{ file: string; score: number | null }>;
    expect(results.map((r) => r.file).sort()).toEqual(['keras3_functional.json', 'proto.json', 'tiny_resnet.onnx']);
    for (const r of results) expect(typeof r.score).toBe('number');
  }, 120_000);
});
