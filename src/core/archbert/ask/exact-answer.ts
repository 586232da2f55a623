/**
 * The facts' answer to a parsed question: one small function per question
 * kind (the intent's `type`), looked up in a table. The functions live by
 * topic in answers/; each reads only the facts and the graph.
 */
import type { OpGraph } from '../../graph/types.js';
import type { ArchSummary } from '../facts/arch-summary.js';
import type { AskKind, Intent } from '../language/question.js';
import { answerCausal, answerFamilyIs, answerInputsAre, answerKernelCmp, answerKindIs, answerModalityIs, answerTaskIs } from './answers/checks.js';
import type { AnswerFn, Exact } from './answers/common.js';
import { answerCount, answerLightweight, answerParamsBound, answerQuantity } from './answers/counts.js';
import { answerPresence, answerWhich, answerWhichOf } from './answers/presence.js';
import { answerSizeOf, answerStem } from './answers/sizes.js';
import { answerWhat } from './answers/what.js';

export type { Exact } from './answers/common.js';

/** Every question kind's answer function; no prototype, so only these kinds are found. */
const ANSWERS: { readonly [T in Intent['type']]: AnswerFn<T> } = Object.assign(Object.create(null) as object, {
  presence: answerPresence,
  which: answerWhich,
  which_of: answerWhichOf,
  count: answerCount,
  quantity: answerQuantity,
  params_bound: answerParamsBound,
  lightweight: answerLightweight,
  size_of: answerSizeOf,
  stem: answerStem,
  what: answerWhat,
  task_is: answerTaskIs,
  modality_is: answerModalityIs,
  kernel_cmp: answerKernelCmp,
  inputs_are: answerInputsAre,
  causal: answerCausal,
  kind_is: answerKindIs,
  family_is: answerFamilyIs,
});

/** The exact answer to an intent; an empty one for a kind no function answers. */
export function exactAnswer(intent: Intent, kind: AskKind, s: ArchSummary, og: OpGraph): Exact {
  const answer = ANSWERS[intent.type] as AnswerFn<Intent['type']> | undefined;
  return answer ? answer(intent as never, kind, s, og) : { answer: '', value: '', evidence: [] };
}
