import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { buildDataset } from '../../../../src/core/archbert/data/dataset.js';
import { MAX_TEXT_TOKENS } from '../../../../src/core/archbert/model/limits.js';
import { Tokenizer } from '../../../../src/core/archbert/model/tokenizer.js';
import { knownWordIds } from '../../../../src/core/archbert/model/unknown-words.js';
import { runCli } from '../../../helpers/cli.js';
import { readJsonl } from '../../../helpers/jsonl.js';

const work = mkdtempSync(join(tmpdir(), 'archbert-ds-vocab-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('dataset build --vocab (ids in a trained set\'s vocabulary)', () => {
  it('writes every text with the given vocabulary, as the runtime reads it, and says so in the manifest', async () => {
    // the vocabulary of one small build, given to a build of other graphs (another seed): its words differ
    const first = join(work, 'first');
    await buildDataset({ realDir: null, generated: 12, seed: 5, out: first }, graphDeps);
    const vocabFile = join(first, 'vocab.json');
    const given = Tokenizer.fromJSON(JSON.parse(readFileSync(vocabFile, 'utf8')));
    const own = join(work, 'own');
    await buildDataset({ realDir: null, generated: 12, seed: 6, out: own }, graphDeps);
    const out = join(work, 'given');
    const r = await buildDataset({ realDir: null, generated: 12, seed: 6, out, vocab: { tokenizer: given, from: vocabFile } }, graphDeps);

    expect(readFileSync(join(out, 'vocab.json'), 'utf8')).toBe(readFileSync(vocabFile, 'utf8'));
    expect(r.manifest.vocab_from).toBe(vocabFile);
    expect(r.manifest.vocab_size).toBe(given.size);
    expect(JSON.parse(readFileSync(join(own, 'manifest.json'), 'utf8')).vocab_from).toBeUndefined();
    // the same graphs and texts as the build with its own vocabulary; only the ids differ
    expect(readFileSync(join(out, 'graphs.jsonl'), 'utf8')).toBe(readFileSync(join(own, 'graphs.jsonl'), 'utf8'));
    const texts = readJsonl(join(out, 'texts.jsonl'));
    expect(texts.map((t) => t.text)).toEqual(readJsonl(join(own, 'texts.jsonl')).map((t) => t.text));
    // encoder inputs are the given vocabulary's ids with unknown words left out, as embed.ts reads a query
    for (const t of texts.filter((row) => row.kind === 'query')) {
      const ids = knownWordIds(given.encode(t.text as string, { maxLength: MAX_TEXT_TOKENS }).ids, given);
      expect(t.tokens).toEqual(ids);
    }
    const ownTexts = readJsonl(join(own, 'texts.jsonl'));
    const differs = texts.filter((t, i) => JSON.stringify(t.tokens) !== JSON.stringify(ownTexts[i]!.tokens)).length;
    expect(differs).toBeGreaterThan(0);
    for (const f of ['texts', 'qa', 'statements']) {
      for (const row of readJsonl(join(out, `${f}.jsonl`))) for (const id of row.tokens as number[]) expect(id).toBeLessThan(given.size);
    }
  });

  it('refuses a file that is not a vocabulary: exit 2, one line naming it, nothing written', () => {
    const bad = join(work, 'bad-vocab.json');
    writeFileSync(bad, JSON.stringify({ tokens: ['a', 'b'] }));
    for (const [file, why] of [
      [bad, /bad-vocab\.json: vocabulary must start with \[pad\]/],
      [join(work, 'missing.json'), /missing\.json/],
      [join(work, 'first', 'graphs.jsonl'), /graphs\.jsonl: not valid JSON/],
    ] as const) {
      const out = join(work, 'never');
      const r = runCli('archbert', ['dataset', 'build', '--generated', '3', '--vocab', file, '--out', out]);
      expect(r.code, file).toBe(2);
      expect(r.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(r.stderr, file).toMatch(why);
      expect(existsSync(out), file).toBe(false);
    }
  });
});
