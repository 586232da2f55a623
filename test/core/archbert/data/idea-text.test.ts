/**
 * The training text names design ideas only as the detectors found them
 * (ArchSummary.ideas), in the words of IDEA_PHRASES: captions and queries
 * never name an idea the graph lacks, QA answers and statement labels agree
 * with the findings, and words the checkers would misread are not used.
 */
import { describe, expect, it } from 'vitest';
import { canonicalCaption, captions } from '../../../../src/core/archbert/data/describe-text.js';
import type { GeneratorStyle } from '../../../../src/core/archbert/data/generate.js';
import { consistent, ideaPresent, ideaWords, isPluralNoun, keyIdeas, namedIdeas, IDEA_DOMAINS, NAMED_IDEAS, plausibleAbsentIdeas } from '../../../../src/core/archbert/data/idea-text.js';
import { qaPairs } from '../../../../src/core/archbert/data/qa.js';
import { queries } from '../../../../src/core/archbert/data/queries.js';
import { Rng } from '../../../../src/core/archbert/data/rng.js';
import { statements } from '../../../../src/core/archbert/data/statements.js';
import { IDEA_IDS } from '../../../../src/core/graph/ideas/registry.js';
import { ideaLabel, ideaMention, ideaMentions } from '../../../../src/core/archbert/language/idea-phrases.js';
import { generatedSummary } from './generated-summaries.js';

const STYLES: GeneratorStyle[] = ['stage', 'vit', 'mixer', 'dense_prediction', 'temporal_conv', 'transformer', 'recurrent', 'cell'];
const SUMMARIES = STYLES.flatMap((style) => Array.from({ length: 12 }, (_, i) => generatedSummary(500 + i * 13, style)));

/** Distinctive ideas: a mention of one in a sentence is a claim that the graph has it. */
const WATCH = new Set(['fire_module', 'channel_shuffle', 'aspp', 'window_attention', 'shifted_windows', 'token_mixing_mlp', 'pixel_shuffle', 'dilated_causal_conv', 'gated_linear_unit', 'gated_activation', 'encoder_decoder_skip_concat', 'inception_branches', 'class_token', 'patch_merging']);
const sentencesOf = (text: string) => text.split(/(?<=\.)\s+/);
const NEGATED = /\b(not|no|without|none)\b/;

describe('idea vocabulary of the dataset text', () => {
  it('names only catalogue ideas with phrases; the domains list real ideas', () => {
    for (const id of NAMED_IDEAS) expect(IDEA_IDS).toContain(id);
    for (const ids of Object.values(IDEA_DOMAINS)) for (const id of ids) expect(NAMED_IDEAS, id).toContain(id);
    // generic findings (residual, batch norm …) have no phrase of their own and are never named as ideas
    expect(NAMED_IDEAS).not.toContain('residual');
    expect(NAMED_IDEAS).not.toContain('batch_norm');
  });

  it('key ideas are found ideas without the background ones; plausible absent ideas are absent and of the modality', () => {
    for (const s of SUMMARIES) {
      for (const id of keyIdeas(s)) expect(ideaPresent(s, id)).toBe(true);
      expect(keyIdeas(s)).not.toContain('token_embedding');
      for (const id of plausibleAbsentIdeas(s)) expect(ideaPresent(s, id), `${s.id} ${id}`).toBe(false);
      if (s.modality === 'image') expect(plausibleAbsentIdeas(s)).not.toContain('lstm_gates');
      if (s.modality === 'text') expect(plausibleAbsentIdeas(s)).not.toContain('fire_module');
    }
  });

  it('counts go only with plural nouns ("8 fire modules", not "7 squeeze-and-excitation")', () => {
    expect(isPluralNoun('fire modules')).toBe(true);
    expect(isPluralNoun('squeeze-and-excitation')).toBe(false);
    expect(isPluralNoun('atrous spatial pyramid pooling')).toBe(false);
    for (const s of SUMMARIES)
      for (const text of captions(s, new Rng(4), 8))
        for (const m of text.matchAll(/\b(\d+) ([a-z-]+(?: [a-z-]+)*?)(?=[,.]| and )/g)) {
          const mention = ideaMention(m[2]!);
          if (mention && mention.start === 0 && mention.end === m[2]!.length) expect(isPluralNoun(m[2]!), text).toBe(true);
        }
  });

  it('the consistency check rejects words the checkers read as another fact, and passes plain idea words', () => {
    const vit = SUMMARIES.find((s) => s.generated?.style === 'vit' && ideaPresent(s, 'patch_embedding'))!;
    // "patch embedding" holds the feature word "embedding": a ViT has no embedding layer, so other words are used
    expect(consistent('it uses patch embeddings.', vit)).toBe(false);
    expect(ideaWords('patch_embedding', vit)).not.toBeNull();
    expect(consistent(`it uses ${ideaWords('patch_embedding', vit)}.`, vit)).toBe(true);
    const fire = SUMMARIES.find((s) => ideaPresent(s, 'fire_module'))!;
    expect(consistent('it uses fire modules.', fire)).toBe(true);
    expect(consistent('it uses lstm layers.', fire)).toBe(false);
  });
});

describe('captions, queries, QA and statements name the ideas found', () => {
  it('captions name found ideas, never a distinctive idea the graph lacks', () => {
    const named = new Set<string>();
    const wrong: string[] = [];
    for (const s of SUMMARIES) {
      for (const text of [canonicalCaption(s), ...captions(s, new Rng(3), 8)]) {
        for (const sentence of sentencesOf(text)) {
          if (NEGATED.test(sentence)) continue;
          // every idea a sentence names: a list ("ideas: token-mixing mlps, patchify stem, …") names several
          for (const m of ideaMentions(sentence)) {
            if (!WATCH.has(m.id)) continue;
            if (ideaPresent(s, m.id)) named.add(m.id);
            else wrong.push(`${s.id}: ${sentence}`);
          }
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    for (const id of ['fire_module', 'channel_shuffle', 'aspp', 'window_attention', 'token_mixing_mlp', 'dilated_causal_conv', 'encoder_decoder_skip_concat']) expect(named, id).toContain(id);
  });

  it('the canonical caption lists the key ideas in catalogue order, or says none', () => {
    for (const s of SUMMARIES) {
      const c = canonicalCaption(s);
      const part = /ideas: ([^.]*)\./.exec(c);
      expect(part, c).not.toBeNull();
      if (keyIdeas(s).length === 0) expect(part![1]).toBe('none');
      if (ideaPresent(s, 'fire_module')) expect(part![1]).toContain('fire module');
    }
  });

  it('an idea query fits the graphs that show the idea and no other', () => {
    let checked = 0;
    for (const s of SUMMARIES) {
      for (const q of queries(s, new Rng(5), 10)) {
        const m = ideaMention(q.text);
        if (!m || !WATCH.has(m.id)) continue;
        checked++;
        expect(q.fits(s)).toBe(true);
        for (const o of SUMMARIES) if (!ideaPresent(o, m.id)) expect(q.fits(o), `${o.id} fits "${q.text}"`).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('QA: key ideas are the labels of the key ideas; yes/no and counts follow the findings, absent ideas answered no / 0', () => {
    const seen = { key: 0, yes: 0, no: 0, count: 0, zero: 0 };
    for (const s of SUMMARIES) {
      for (const q of qaPairs(s, new Rng(9), 40)) {
        if (q.template === 'key_idea') {
          seen.key++;
          const key = keyIdeas(s);
          expect(q.answers).toEqual(key.length ? key.map(ideaLabel).sort() : ['none']);
        }
        if (q.template === 'has_idea' || q.template === 'idea_count') {
          const m = ideaMention(q.question)!;
          expect(m, q.question).not.toBeNull();
          if (q.template === 'has_idea') {
            expect(q.answers).toEqual([ideaPresent(s, m.id) ? 'yes' : 'no']);
            // the words asked about read the same way to the checkers (no "dilated convolutions?" → no beside depthwise dilated convs)
            const words = q.question.replace(/^(does it use|does it have|does the network contain|is it built with) /, '').replace(/\?$/, '');
            expect(consistent(`it ${q.answers[0] === 'yes' ? 'uses' : 'does not use'} ${words}.`, s), q.question).toBe(true);
            seen[q.answers[0] === 'yes' ? 'yes' : 'no']++;
          } else {
            expect(q.answers).toEqual([String(ideaPresent(s, m.id) ? s.ideas![m.id] : 0)]);
            seen[q.answers[0] === '0' ? 'zero' : 'count']++;
          }
        }
      }
    }
    expect(Math.min(...Object.values(seen)), JSON.stringify(seen)).toBeGreaterThan(0);
  });

  it('statements about ideas are labelled by the findings: true ones, false ones and hard swaps', () => {
    let pos = 0;
    let neg = 0;
    let swapped = 0;
    for (const s of SUMMARIES) {
      for (const st of statements(s, new Rng(11), 16)) {
        if (!/^(swap:)?idea$/.test(st.template)) continue;
        const m = ideaMention(st.text);
        // statements of one idea claim only (a second claim may be the swapped one)
        if (!m || ideaMention(st.text.slice(0, m.start) + st.text.slice(m.end)) || / and (uses|has|is|contains|relies|does)\b/.test(st.text)) continue;
        // one idea claim: true exactly when its presence matches its polarity
        const negated = /\b(does not use|has no)\b/.test(st.text);
        if (namedIdeas(s).includes(m.id) !== negated) {
          expect(st.label, st.text).toBe(1);
          pos++;
        } else {
          expect(st.label, st.text).toBe(0);
          neg++;
        }
        if (st.template === 'swap:idea') swapped++;
      }
    }
    expect(pos).toBeGreaterThan(10);
    expect(neg).toBeGreaterThan(5);
    expect(swapped).toBeGreaterThan(0);
  });
});
