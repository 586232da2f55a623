import { answerQuestion } from '../../src/core/archbert/ask.js';
import type { AnalyzedModel } from '../../src/core/archbert/facts/model-file.js';

/** `ask` from the exact facts alone (no learned set): what the rule-based answer is for an analysed model. */
export const askFromFacts = (m: AnalyzedModel, q: string) =>
  answerQuestion(q, m.summary, m.opGraph, null, m.facts.ideas, m.facts.task.detail);
