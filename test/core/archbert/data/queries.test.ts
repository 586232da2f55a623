import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { summarize } from '../../../../src/core/archbert/facts/arch-summary.js';
import { contradictions } from '../../../../src/core/archbert/facts/fact-check.js';
import { queries } from '../../../../src/core/archbert/data/queries.js';
import { Rng } from '../../../../src/core/archbert/data/rng.js';
import { repoRoot } from '../../../helpers/cli.js';
import { FIXTURE_MODELS, generatedSummaries } from './generated-summaries.js';

const SUMMARIES = generatedSummaries(120);

/**
 * The fact checker reads a negation as the whole sentence's, so a query is
 * checked clause by clause: what it asks for, then what it excludes (the
 * grammar says the exclusion last, after a comma or "but").
 */
const EXCLUSION = /,\s*(?=without\b|with no\b|no\b)|\s+but\s+(?=no\b|without\b)/;
const clauses = (text: string) => text.split(EXCLUSION);
const contradicted = (text: string, s: Parameters<typeof contradictions>[1]) => clauses(text).flatMap((c) => contradictions(c, s));

describe('query grammar', () => {
  it('never states something the facts contradict (generated graphs)', () => {
    const bad: string[] = [];
    for (const s of SUMMARIES) {
      for (const q of queries(s, new Rng(7), 6)) {
        const c = contradicted(q.text, s);
        if (c.length) bad.push(`${s.id}: "${q.text}" → ${c.map((m) => `${m.negated ? 'not ' : ''}${m.key}`).join(', ')}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("a query fits the architecture it was made from, and a graph lacking a stated property does not fit", () => {
    const miss: string[] = [];
    let discriminating = 0;
    for (const s of SUMMARIES) {
      for (const q of queries(s, new Rng(3), 8)) {
        if (!q.fits(s)) miss.push(`${s.id}: "${q.text}"`);
        // Every other summary that fits must really share what the text names (checked on the depth phrase, which is exact).
        const depth = /(?<!(?:than|under|over|least|most) )\b(\d+) (weighted )?layers/.exec(q.text);
        for (const o of SUMMARIES) {
          if (o === s) continue;
          if (!q.fits(o)) discriminating++;
          else if (depth && !/-layer/.test(q.text) && o.weightedLayers !== Number(depth[1])) miss.push(`${o.id} fits "${q.text}" with ${o.weightedLayers} layers`);
        }
      }
    }
    expect(miss.slice(0, 5)).toEqual([]);
    expect(discriminating).toBeGreaterThan(0);
  });

  it('bounds and exclusions fit exactly the graphs on the stated side', () => {
    const seen = { under: 0, over: 0, between: 0, fewerLayers: 0, moreLayers: 0, without: 0 };
    const bad: string[] = [];
    const millions = (w: string) => (w.endsWith(' million') ? parseFloat(w) * 1e6 : parseFloat(w) * (w.endsWith('b') ? 1e9 : w.endsWith('m') ? 1e6 : w.endsWith('k') ? 1e3 : 1));
    for (const s of SUMMARIES) {
      for (const q of queries(s, new Rng(19), 12)) {
        const p = /\b(under|below|fewer than|less than|at most|over|above|more than|at least) ([\d.]+(?: million|[kmb])?) (?:parameters|params)\b/.exec(q.text);
        const b = /\bbetween ([\d.]+[kmb]) and ([\d.]+[kmb]) (?:parameters|params)\b/.exec(q.text);
        const l = /\b(fewer than|under|less than|more than|over|at least) (\d+) (?:weighted )?layers\b/.exec(q.text);
        for (const o of SUMMARIES) {
          if (p) {
            const v = millions(p[2]!);
            const upper = /under|below|fewer|less|most/.test(p[1]!);
            if (upper ? o.params >= v : o.params <= v) if (q.fits(o)) bad.push(`${o.id} (${o.params}) fits "${q.text}"`);
          }
          if (b && (o.params <= millions(b[1]!) || o.params >= millions(b[2]!)) && q.fits(o)) bad.push(`${o.id} (${o.params}) fits "${q.text}"`);
          if (l) {
            const v = Number(l[2]);
            const upper = /fewer|under|less/.test(l[1]!);
            if ((upper ? o.weightedLayers >= v : o.weightedLayers <= v) && q.fits(o)) bad.push(`${o.id} (${o.weightedLayers} layers) fits "${q.text}"`);
          }
        }
        if (p) seen[/under|below|fewer|less|most/.test(p[1]!) ? 'under' : 'over']++;
        if (b) seen.between++;
        if (l) seen[/fewer|under|less/.test(l[1]!) ? 'fewerLayers' : 'moreLayers']++;
        if (EXCLUSION.test(q.text)) seen.without++;
        if (!q.fits(s)) bad.push(`${s.id} does not fit its own "${q.text}"`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(10);
  });

  it('bounds block counts with a margin; a graph outside the bound does not fit (hand-checked against the counts)', () => {
    const BOUND = /(fewer than|under|less than|at most|more than|over|at least|between|from) (\d+)(?: (?:and|to) (\d+))? (\S+)/;
    const kindOf: Array<[RegExp, 'residual' | 'squeeze_excitation' | 'inverted_residual' | 'attention' | 'depthwise_separable']> = [
      [/^(residual|skip|shortcut|identity)$/, 'residual'], [/^(squeeze\S*|se)$/, 'squeeze_excitation'], [/^(inverted|mbconv)$/, 'inverted_residual'],
      [/^(attention|self-attention|multi-head)$/, 'attention'], [/^(depthwise|separable)$/, 'depthwise_separable'],
    ];
    const bad: string[] = [];
    let seen = 0;
    for (const s of SUMMARIES) {
      for (const q of queries(s, new Rng(5), 12)) {
        const m = BOUND.exec(q.text);
        if (!m) continue;
        const kind = kindOf.find(([re]) => re.test(m[4]!))?.[1];
        if (!kind) continue;
        seen++;
        const [lo, hi] = [Number(m[2]), m[3] ? Number(m[3]) : null];
        const n = s.blocks[kind];
        // the source is inside with its margin: at least one block and 10 % from the bound
        const inside = hi !== null ? n > lo && n < hi : /fewer|under|less|most/.test(m[1]!) ? n < lo && n * 1.1 <= lo : n > lo && n / 1.1 >= lo;
        if (!inside) bad.push(`${s.id} (${n} ${kind}) made "${q.text}"`);
        for (const o of SUMMARIES) {
          const c = o.blocks[kind];
          const outside = hi !== null ? c < lo || c > hi : /fewer|under|less|most/.test(m[1]!) ? c > lo || c === 0 : c < lo;
          if (outside && q.fits(o)) bad.push(`${o.id} (${c} ${kind}) fits "${q.text}"`);
        }
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(seen).toBeGreaterThan(20);
  });

  it('never contradicts the facts of the real exports (fixtures/models), family names included', async () => {
    const bad: string[] = [];
    for (const [name, family, task] of FIXTURE_MODELS) {
      const a = await graphDeps.analyzeFile(join(repoRoot, 'fixtures', 'models', `${name}.onnx`));
      const s = summarize(a.opGraph, a.facts, { id: name, name, source: 'real', family, variant: null, task });
      for (const q of queries(s, new Rng(11), 10)) {
        const c = contradicted(q.text, s);
        if (c.length) bad.push(`${name}: "${q.text}" → ${c.map((m) => `${m.negated ? 'not ' : ''}${m.key}`).join(', ')}`);
      }
    }
    expect(bad.slice(0, 8)).toEqual([]);
  });
});
