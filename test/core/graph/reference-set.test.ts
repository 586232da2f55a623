/**
 * The issue-16 reference set (fixtures/reference, made by
 * training/export_reference_archs.py): real architectures not in
 * fixtures/models, stripped ONNX, with expected family / task / ideas written
 * from the papers in expected.json BEFORE any rule change.
 *
 * Asserted now: every file loads and analyses, and the trainable parameter
 * count equals PyTorch's (sum of p.numel() over parameters()) exactly.
 * NOT asserted yet (the rules do not know them; that is the next step of
 * issue 16): family, task, ideas. Their current agreement is printed as
 * information only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeFacts } from '../../../src/core/graph/analyze.js';
import type { ArchFacts } from '../../../src/core/graph/types.js';
import { repoRoot } from '../../helpers/cli.js';

const dir = join(repoRoot, 'fixtures', 'reference');
interface Expected {
  family: string;
  task: string;
  task_detail: string;
  ideas: string[];
  source: string;
  params: number;
  input: number[][];
  file: string;
  /** An analyser bug found on this model: its parameter check is skipped (see the text). */
  known_issue?: string;
}
const doc: { idea_vocabulary: Record<string, string>; models: Record<string, Expected> } = JSON.parse(
  readFileSync(join(dir, 'expected.json'), 'utf8'),
);
const expected = doc.models;
const names = Object.keys(expected);

const facts: Record<string, ArchFacts> = {};
beforeAll(async () => {
  for (const name of names) facts[name] = await describeFacts(join(dir, expected[name]!.file));
}, 120_000);

/** The tool's family ids vs the snake_case ids of expected.json ('bert-like' ~ 'bert'). */
const norm = (f: string | null) => (f === null ? null : f.replace(/-like$/, '').replace(/-/g, '_'));

describe('issue-16 reference set (fixtures/reference)', () => {
  it('expected.json lists exactly the .onnx files of the folder, ≥ 30 models, ideas from its vocabulary', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort();
    expect(names.map((n) => expected[n]!.file).sort()).toEqual(files);
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const n of names) for (const idea of expected[n]!.ideas) expect(doc.idea_vocabulary, `${n}: ${idea}`).toHaveProperty(idea);
  });

  it.each(names)('%s: loads, analyses, trainable params = PyTorch', (name) => {
    const f = facts[name]!;
    const e = expected[name]!;
    expect(f).toBeDefined();
    expect(f.task.guess).toBeTypeOf('string');
    if (e.known_issue) return; // analyser bug recorded in expected.json (known_issue); parameter check skipped
    expect(f.params.trainable).toBe(e.params);
  });

  it('current family / task agreement with the papers (information only, not asserted)', () => {
    const rows: string[] = [];
    let famHit = 0;
    let famGuessed = 0;
    let taskHit = 0;
    for (const name of names) {
      const f = facts[name]!;
      const e = expected[name]!;
      const fam = norm(f.family.guess);
      if (fam !== null) famGuessed++;
      if (fam === e.family) famHit++;
      if (f.task.guess === e.task) taskHit++;
      rows.push(
        `${name.padEnd(26)} family ${String(fam).padEnd(14)} (paper ${e.family.padEnd(16)}) ${fam === e.family ? 'ok ' : fam === null ? '-- ' : 'BAD'}` +
          `  task ${f.task.guess.padEnd(14)} (paper ${e.task}/${e.task_detail}) ${f.task.guess === e.task ? 'ok' : 'BAD'}`,
      );
    }
    const n = names.length;
    console.log(
      [
        `issue-16 reference set, ${n} models (information only):`,
        ...rows,
        `family: ${famHit}/${n} right, ${famGuessed} guessed (precision ${famGuessed ? (famHit / famGuessed).toFixed(2) : 'n/a'}, coverage ${(famGuessed / n).toFixed(2)})`,
        `task:   ${taskHit}/${n} right (${(taskHit / n).toFixed(2)})`,
      ].join('\n'),
    );
    expect(n).toBeGreaterThan(0);
  });
});
