/**
 * scripts/demo.sh writes colour codes only on a terminal and never with NO_COLOR (issue 15, case 6).
 * The headings are the demo's only own escape codes; the CLIs it runs decide for themselves.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const demo = join(repoRoot, 'scripts/demo.sh');

/** The demo's colour choice and `section` helper, run on their own (the demo itself needs a build and a minute). */
function heading(env: Record<string, string | undefined>): string {
  const src = readFileSync(demo, 'utf8').split('\n');
  const helper = src.filter((l) => /^if \[ -t 1 \]/.test(l) || /^section\(\)/.test(l)).join('\n');
  const r = spawnSync('bash', ['-c', `${helper}\nsection "title" cmd arg`], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('demo.sh colour', () => {
  it('plain headings when stdout is not a terminal, with or without NO_COLOR', () => {
    for (const env of [{}, { NO_COLOR: '1' }]) {
      const out = heading(env);
      expect(out).toContain('== title ==');
      expect(out).not.toMatch(/\x1b/);
    }
  });

  it('every escape code in the script sits behind the terminal / NO_COLOR check', () => {
    const lines = readFileSync(demo, 'utf8').split('\n').filter((l) => /\\033|\\x1b|\\e\[/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^if \[ -t 1 \] && \[ -z "\$\{NO_COLOR\+set\}" \]; then/);
  });
});
