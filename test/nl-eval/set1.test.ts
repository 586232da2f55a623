/**
 * The hand-written NL set over the held-out families (fixtures/nl-eval):
 * well-formed, expected answers consistent with the exact facts, and the
 * question understanding (rules + facts, no learned model) scores it.
 * The full score with the learned models: `npx tsx fixtures/nl-eval/score.ts`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { questions, queries, scoreQuestions } from '../../fixtures/nl-eval/score.js';
import { repoRoot } from '../helpers/cli.js';

const realDir = join(repoRoot, 'training/out/real');
const HELDOUT = /^(convnext|regnet|swin|efficientnet_v2|gru|bigru)/;

describe('NL eval set', () => {
  it('is about the held-out families only and well-formed', () => {
    const qs = questions();
    expect(qs.length).toBeGreaterThanOrEqual(40);
    for (const q of qs) {
      expect(q.model).toMatch(HELDOUT);
      expect(['yes_no', 'choice', 'value', 'statement']).toContain(q.kind);
    }
    const rs = queries();
    expect(rs.length).toBeGreaterThanOrEqual(20);
    for (const r of rs) for (const m of r.relevant) expect(m).toMatch(HELDOUT);
  });

  it.skipIf(!existsSync(join(realDir, 'swin_t.onnx')))('facts-only question answering gets ≥ 0.9 exact match', async () => {
    const r = await scoreQuestions(null, realDir);
    const failures = r.rows.filter((x) => !x.ok).map((x) => `${x.q.model}: ${x.q.question} → ${JSON.stringify(x.a.value)}`);
    expect(r.exact_match, failures.join('\n')).toBeGreaterThanOrEqual(0.9);
  });
});
