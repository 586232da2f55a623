/**
 * Integrity of the later hand-written NL sets (fixtures/nl-eval/set2/ to set7/): well-formed
 * rows, enough coverage of the held-out families, and every model / relevant
 * file present in the real gallery when it has been exported (training/out is
 * not committed, so that part is skipped on a fresh clone). The figures
 * themselves come from `npx tsx fixtures/nl-eval/score-set.ts --set fixtures/nl-eval/setN`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const jsonl = (dir: string, f: string) =>
  readFileSync(join(dir, f), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const heldOut = /^(convnext|regnet|swin|efficientnet_v2|gru|bigru|seq2seq_attention_gru)/;
const galleryIndex = 'training/out/real/index.json';

describe.each(['fixtures/nl-eval/set2', 'fixtures/nl-eval/set3', 'fixtures/nl-eval/set4', 'fixtures/nl-eval/set5', 'fixtures/nl-eval/set6', 'fixtures/nl-eval/set7', 'fixtures/nl-eval/set8'])('nl-eval %s', (dir) => {
  const questions = jsonl(dir, 'questions.jsonl');
  const queries = jsonl(dir, 'queries.jsonl');

  it('has ≥ 40 well-formed questions over ≥ 10 held-out models', () => {
    expect(questions.length).toBeGreaterThanOrEqual(40);
    for (const q of questions) {
      expect(typeof q.question).toBe('string');
      expect(['yes_no', 'choice', 'value', 'statement']).toContain(q.kind);
      expect(typeof q.fact).toBe('string'); // where the expected answer was read in the facts
      if (q.kind === 'yes_no' || q.kind === 'statement') expect(typeof q.expected).toBe('boolean');
      if (q.kind === 'choice') expect(Array.isArray(q.expected)).toBe(true);
      expect(q.model as string).toMatch(heldOut);
    }
    expect(new Set(questions.map((q) => q.model)).size).toBeGreaterThanOrEqual(10);
  });

  it('has ≥ 20 queries, each with relevant files, mostly about held-out families', () => {
    expect(queries.length).toBeGreaterThanOrEqual(20);
    for (const q of queries) {
      expect((q.query as string).trim().length).toBeGreaterThan(0);
      expect((q.relevant as string[]).length).toBeGreaterThan(0);
      expect((q.relevant as string[]).some((r) => heldOut.test(r))).toBe(true);
    }
  });

  it.skipIf(!existsSync(galleryIndex))('names only files of the real gallery', () => {
    const names = new Set((JSON.parse(readFileSync(galleryIndex, 'utf8')) as Array<{ name: string }>).map((e) => e.name));
    for (const q of questions) expect(names.has(q.model as string)).toBe(true);
    for (const q of queries) for (const r of q.relevant as string[]) expect(names.has(r)).toBe(true);
  });
});
