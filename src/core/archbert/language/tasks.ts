/**
 * The tasks a text names ("for detection", "a segmentation model", "next-token
 * prediction"), as task keys. Read by find's constraints, ask's "is it for …?"
 * and describe's task claims; whether a graph has a task is checked in
 * constraint-check.ts.
 */
import { expandQuery } from './query-text.js';

export type TaskKey = 'detection' | 'segmentation' | 'classification' | 'generation' | 'sequence' | 'language_model' | 'seq2seq';

export const TASK_PATTERNS: Array<[RegExp, TaskKey]> = [
  [/\b(object )?detect(ion|ors?|ing)\b|\bbounding boxes\b|\bbox(es)? prediction\b/, 'detection'],
  [/\bsegment(ation|ing|s)?\b|\bper-pixel\b|\bpixel-wise\b|\bdense prediction\b/, 'segmentation'],
  [/\bclassif(y|ies|ying|ication|ier|iers)\b|\brecogni[sz]e?(s|ing)?\b|\brecognition\b/, 'classification'],
  [/\bgenerat(e|es|ing|ion|ive|or|ors)\b|\bimage synthesis\b|\bgan\b|\bautoencoders?\b|\breconstruct(ion|s)?\b/, 'generation'],
  [/\blanguage model(l?ing|s)?\b|\bnext[- ](token|word|character|char)\b|\bautoregressive\b|\bcausal lm\b|\bpredicts? the next\b/, 'language_model'],
  [/\bsequence[- ]to[- ]sequence\b|\bseq2seq\b|\bseq[- ]to[- ]seq\b|\btranslation\b|\btranslat(e|es|ing|or)\b|\bencoder-decoder\b/, 'seq2seq'],
  [/\bsequence model(l?ing|s)?\b/, 'sequence'],
];

/** Every task a text names ("for classification and a backbone for detection and segmentation" names three). */
export function statedTasks(text: string): Array<{ task: TaskKey; text: string }> {
  // "dense per-pixel classification" is one task (segmentation), not two.
  const dense = /\b(?:dense |per-pixel |pixel-wise |pixelwise )+classif\w*/.exec(expandQuery(text));
  const q = dense ? expandQuery(text).replace(dense[0], ' ') : expandQuery(text);
  const found = TASK_PATTERNS.flatMap(([re, task]) => {
    const m = re.exec(q);
    return m ? [{ task, text: m[0] }] : [];
  });
  return dense ? [{ task: 'segmentation' as TaskKey, text: dense[0] }, ...found.filter((f) => f.task !== 'segmentation')] : found;
}
