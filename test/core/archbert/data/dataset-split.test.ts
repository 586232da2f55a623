import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { buildDataset } from '../../../../src/core/archbert/data/dataset.js';
import { runCli } from '../../../helpers/cli.js';
import { readJsonl } from '../../../helpers/jsonl.js';

const work = mkdtempSync(join(tmpdir(), 'archbert-ds-split-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('dataset build --split (an evaluation-only dataset)', () => {
  it('puts every graph and every text, question and statement in the one split; relevance lists span it', async () => {
    const out = join(work, 'heldout');
    const r = await buildDataset({ realDir: null, generated: 12, seed: 5, out, split: 'heldout' }, graphDeps);
    expect(r.manifest.graphs).toMatchObject({ train: 0, val: 0, test: 0, heldout: 12 });
    for (const f of ['graphs', 'texts', 'qa', 'statements']) {
      const rows = readJsonl(join(out, `${f}.jsonl`));
      expect(rows.length, f).toBeGreaterThan(0);
      for (const row of rows) expect(row.split, f).toBe('heldout');
    }
    // without --split the same seed spreads the graphs over the hash splits; with it, a query
    // can be relevant to graphs that the hash would have put in other splits
    const ids = new Set(readJsonl(join(out, 'graphs.jsonl')).map((g) => g.id));
    const relevant = readJsonl(join(out, 'texts.jsonl')).flatMap((t) => (Array.isArray(t.relevant) ? t.relevant : []));
    expect(relevant.length).toBeGreaterThan(0);
    for (const id of relevant) expect(ids.has(id)).toBe(true);
  });

  it('refuses a split name it does not know: exit 2, one line, nothing written', () => {
    const out = join(work, 'never');
    const r = runCli('archbert', ['dataset', 'build', '--generated', '3', '--split', 'dev', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--split must be one of train, val, test, heldout, got 'dev'/);
    expect(existsSync(out)).toBe(false);
  });
});
