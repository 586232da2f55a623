/**
 * `archbert ask`: questions and statements about one architecture.
 *
 * Design: the question is understood by a rule parser over the same
 * vocabulary the dataset grammar uses (language/question.ts), backed by the
 * learned QA head when the rules do not recognise what is asked (the head's
 * best answer tells which kind of thing is asked: a normalisation, a
 * parameter range, yes/no …). Exact values always come from the graph facts
 * (ask/exact-answer.ts: one function per question kind, in ask/answers/).
 * The learned heads (QA head for questions, reasoning head for statements and
 * yes/no questions) are also run; when they contradict the facts, the facts
 * win and the answer says so. Evidence = OpGraph nodes (their source node ids)
 * that support the answer (ask/evidence.ts).
 */
import type { OpGraph } from '../graph/types.js';
import type { ArchSummary } from './facts/arch-summary.js';
import { canonicalPhrasing } from './language/phrasing-aliases.js';
import { intentFromAnswer, parseQuestion, statementForm, normalizeQuestion, type AskKind, type Intent } from './language/question.js';
import { featurePhrases, hasFeature } from './language/feature-phrases.js';
import { unknownQualifier } from './language/qualifiers.js';
import { factAnswerStrings } from './ask/answer-strings.js';
import { list, yesNo } from './ask/answers/common.js';
import { exactAnswer } from './ask/exact-answer.js';
import { answerIdeaQuestion } from './ask/idea-answer.js';
import { answerIdeaContrast } from './ask/contrast-answer.js';
import { ideaLabel, ideaMention } from './language/idea-phrases.js';
import { answerKeyIdeaQuestion } from './ask/key-idea-answer.js';
import { answerTaskDetailQuestion, refinedTaskAnswer } from './ask/task-detail-answer.js';
import type { IdeaFinding } from '../graph/ideas/context.js';

export interface AskAnswer {
  question: string;
  answer: string;
  value: boolean | number | string | string[];
  kind: AskKind;
  confidence: number;
  evidence: Array<{ node: string; op: string }>;
}

/** Learned outputs available for the cross-check (computed by the caller from the ONNX heads). */
export interface LearnedView {
  /** Answers of the QA head with sigmoid ≥ 0.5 (or the single best), with probabilities. */
  qa: Array<{ answer: string; prob: number }>;
  /** Reasoning head: probability that the (statement form of the) text is true. */
  statementProb: number | null;
}

function sameSet(a: string[], b: string[]): boolean {
  const A = new Set(a);
  return A.size === new Set(b).size && b.every((x) => A.has(x));
}

/**
 * Answers from the facts, cross-checked with the learned view. `learned` may
 * be null (e.g. in unit tests of the exact part). `ideas` (facts.ideas) lets a
 * question naming a design idea ("does it use channel shuffle?") or asking
 * for the key idea ("what is its key idea?") be answered from the idea
 * catalogue; `taskDetail` (facts.task.detail) lets a question naming a finer
 * task ("is it a pose estimation model?") be answered from it. Without them,
 * only the rules below answer.
 */
export function answerQuestion(question: string, s: ArchSummary, og: OpGraph, learned: LearnedView | null, ideas?: Readonly<Record<string, IdeaFinding>>, taskDetail?: string | null): AskAnswer {
  const parsed = parseQuestion(question);
  const byKeyIdea = ideas ? answerKeyIdeaQuestion(question, ideas, s.family, og) : null;
  if (byKeyIdea) return { question, kind: byKeyIdea.kind, answer: byKeyIdea.answer, value: byKeyIdea.value, confidence: 1, evidence: byKeyIdea.evidence };
  const byContrast = ideas ? answerIdeaContrast(question, (q) => answerQuestion(q, s, og, null, ideas, taskDetail)) : null;
  if (byContrast) return { question, ...byContrast, confidence: 1 };
  const byIdea = ideas ? answerIdeaQuestion(question, parsed, ideas, og) : null;
  if (byIdea) return { question, kind: byIdea.kind, answer: byIdea.answer, value: byIdea.value, confidence: 1, evidence: byIdea.evidence };
  const byTask = taskDetail !== undefined ? answerTaskDetailQuestion(question, parsed, taskDetail, og) : null;
  if (byTask) return { question, ...byTask, confidence: 1 };
  let intent = parsed.intent;
  let kind = parsed.kind;
  let understoodBy: 'rules' | 'learned' = 'rules';
  if (!intent && learned && learned.qa.length && kind !== 'statement' && kind !== 'yes_no') {
    intent = intentFromAnswer(learned.qa[0]!.answer);
    if (intent) {
      understoodBy = 'learned';
      kind = intent.type === 'which' ? 'choice' : 'value';
    }
  }
  const base = { question, kind } as const;
  if (!intent) {
    // Neither the rules nor the learned head's answer tell what is asked: report the learned answer, clearly marked.
    if (learned && (kind === 'yes_no' || kind === 'statement') && learned.statementProb !== null) {
      const yes = learned.statementProb >= 0.5;
      const conf = yes ? learned.statementProb : 1 - learned.statementProb;
      return {
        ...base,
        answer: `${kind === 'yes_no' ? (yes ? 'Yes' : 'No') : yes ? 'True' : 'False'} (learned model only, not checked against the facts: the question names nothing the facts record)`,
        value: yes,
        confidence: round(conf),
        evidence: [],
      };
    }
    if (learned && learned.qa.length) {
      const answers = learned.qa.map((a) => a.answer);
      return {
        ...base,
        kind: answers.length > 1 ? 'choice' : 'value',
        answer: `${list(answers)} (learned model only, not checked against the facts)`,
        value: answers.length > 1 ? answers : answers[0]!,
        confidence: round(Math.min(...learned.qa.map((a) => a.prob))),
        evidence: [],
      };
    }
    return { ...base, answer: 'I could not tell what is asked (try naming a layer type, block, task or size)', value: '', confidence: 0, evidence: [] };
  }

  // "deformable convolutions" read as "convolutions": a qualifier the vocabulary does not know narrows the feature to a
  // kind the facts do not record, so the facts cannot decide (when the generic feature is absent, neither is the kind).
  const unknown = understoodBy === 'rules' ? qualifiedFeature(question, intent, s) : null;
  if (unknown) return undecided(base, unknown, learned);
  const r = exactAnswer(intent, kind, s, og);
  // "What is it for?" on a pose or point-cloud network: the finer task, where the coarse one would misname it.
  const refined = intent.type === 'what' && intent.what === 'task' && taskDetail !== undefined ? refinedTaskAnswer(taskDetail, r.answer) : null;
  if (refined) Object.assign(r, refined);
  // "It is a GAN generator that maps random noise to images": the task (or family) holds, but so must the idea named with it.
  const missing = ideas && (intent.type === 'task_is' || intent.type === 'family_is') && r.value === true ? absentIdea(question, ideas) : null;
  if (missing) Object.assign(r, { value: false, answer: `${yesNo(kind, false, `no ${missing} in the graph`)} (${r.answer.replace(/^(?:yes|true)\b:?\s*/i, '')})` });
  let answer = r.answer;
  if (understoodBy === 'learned') answer += ' (question understood from the learned model\'s answer)';
  // Cross-check with the learned heads: facts win (the head knows only the coarse task, so a finer value is not compared).
  if (learned && refined?.value === undefined) {
    const factStrings = factAnswerStrings(s, intent);
    if (typeof r.value === 'boolean' && learned.statementProb !== null && (intent.type === 'presence' || kind === 'statement')) {
      // The reasoning head judged the text as a statement; for a question about absence, its truth is the negation.
      const learnedTrue = learned.statementProb >= 0.5;
      const factTrue = r.value;
      if (learnedTrue !== factTrue) answer += ` (the learned model said ${kind === 'yes_no' ? (learnedTrue ? 'yes' : 'no') : learnedTrue ? 'true' : 'false'}; the graph facts say otherwise, and the facts win)`;
    } else if (factStrings && learned.qa.length && understoodBy === 'rules') {
      const said = learned.qa.map((a) => a.answer);
      // A head that answered another kind of question ("no" to "# trainable params") did not disagree: it misread; say nothing.
      if (!sameSet(said, factStrings) && sameAnswerKind(said, factStrings, intent)) answer += ` (the learned model said ${list(said)}; the graph facts say ${list(factStrings)}, and the facts win)`;
    }
  }
  return { ...base, kind, answer, value: r.value, confidence: 1, evidence: r.evidence };
}

/**
 * The words of a presence or op-count question's feature together with the
 * qualifier the vocabulary does not know ("deformable convolution"), when
 * the feature itself is in the graph; else null.
 */
function qualifiedFeature(question: string, intent: Intent, s: ArchSummary): string | null {
  if (intent.type !== 'presence' && !(intent.type === 'count' && intent.what === 'op')) return null;
  const body = canonicalPhrasing(normalizeQuestion(question).replace(/[?.!]+$/, ''));
  const phrases = featurePhrases(body);
  for (const p of phrases) {
    const word = unknownQualifier(body, p.start, p.end);
    // "fully connected linear layers": a word of another feature phrase is no qualifier
    const wordAt = body.lastIndexOf(word ?? '', p.start);
    if (!word || phrases.some((o) => o !== p && o.start <= wordAt && wordAt < o.end)) continue;
    if (hasFeature(s, p.key)) return `${word} ${body.slice(p.start, p.end)}`;
  }
  return null;
}

/** The label of a design idea the question names, positively, that the graph does not have; null otherwise. */
function absentIdea(question: string, ideas: Readonly<Record<string, IdeaFinding>>): string | null {
  const lower = question.toLowerCase().replace(/[()[\]]/g, ' ').replace(/\s+/g, ' ');
  const m = ideaMention(lower);
  if (!m || Object.prototype.hasOwnProperty.call(ideas, m.id)) return null;
  return /\b(not|no|never|without|doesn't|don't|isn't|aren't|lacks?|free of|none)\b/.test(lower.slice(0, m.start)) ? null : ideaLabel(m.id);
}

/** The answer to a question the facts do not decide: said so, confidence 0, the learned head's answer as the value when there is one. */
function undecided(base: { question: string; kind: AskKind }, what: string, learned: LearnedView | null): AskAnswer {
  const yesNoKind = base.kind === 'yes_no' || base.kind === 'statement';
  const value: AskAnswer['value'] = learned && yesNoKind && learned.statementProb !== null ? learned.statementProb >= 0.5 : learned && !yesNoKind && learned.qa.length ? learned.qa[0]!.answer : false;
  const said = learned && (yesNoKind ? learned.statementProb !== null : learned.qa.length > 0) ? `; the learned model alone says ${String(value)}` : '';
  return { ...base, answer: `The facts do not decide: they record no '${what}' (only the general kind)${said}`, value, confidence: 0, evidence: [] };
}

/** Whether the learned QA head's answers are answers to the same kind of question as the facts' ones. */
function sameAnswerKind(said: string[], facts: string[], intent: Intent): boolean {
  const yesNo = (xs: string[]) => xs.every((x) => x === 'yes' || x === 'no');
  if (yesNo(said) || yesNo(facts)) return yesNo(said) && yesNo(facts);
  const i = intentFromAnswer(said[0]!);
  if (!i) return true;
  return i.type === intent.type && ('what' in i && 'what' in intent ? i.what === intent.what : true);
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

// ---- learned heads (ONNX) -------------------------------------------------

import { embedTexts } from './model/embed.js';
import { pickAnswers, qaLogits, reasoningProbs, type HeadArch } from './model/heads.js';
import type { ModelSet } from './model/model-set.js';

/**
 * Runs the QA head on the question and, for yes/no questions about presence
 * and for statements, the reasoning head on the statement form.
 * QA prediction as in the metric definition (heads.ts pickAnswers).
 */
export async function learnedView(set: ModelSet, question: string, arch: HeadArch): Promise<LearnedView> {
  const parsed = parseQuestion(question);
  const wantsStatement = parsed.kind === 'statement' || parsed.kind === 'yes_no';
  const texts = [normalizeQuestion(question)];
  if (wantsStatement) texts.push(statementForm(question, parsed.intent));
  const emb = await embedTexts(set, texts);
  const [logits] = await qaLogits(set, [emb[0]!], [arch]);
  const qa = pickAnswers(logits!, set.answers);
  let statementProb: number | null = null;
  if (wantsStatement) statementProb = (await reasoningProbs(set, [emb[1]!], [arch]))[0]!;
  return { qa, statementProb };
}
