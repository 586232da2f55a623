/**
 * Questions about the finer task (facts.task.detail): "is it a pose
 * estimation model?", "does it do keypoint detection?", "is it for
 * super-resolution?", and the finer name in "what is it for?" where the
 * coarse task would mislead (a pose network's heatmaps are not "object
 * detection", a point cloud is not an image).
 *
 * The coarse task keys of language/tasks.ts cannot tell these apart (pose
 * estimation reads as detection), so a question naming a finer task is
 * answered from task.detail when the facts have one; when they have none,
 * the rules answer as before.
 */
import type { OpGraph } from '../../graph/types.js';
import { taskDetailLabel, taskDetailMention } from '../language/task-details.js';
import type { AskKind, ParsedQuestion } from '../language/question.js';
import { cap, yesNo, type Exact } from './answers/common.js';
import { nodeRefs } from './evidence.js';

const NEGATED = /\b(not|no|never|without|doesn't|don't|isn't|aren't)\b/;

/**
 * Details the coarse task's words misname, so "what is it for?" takes the
 * detail as its value: a pose network's heatmaps are not "object detection",
 * a point cloud is not an image, an embedding or a regression is not a
 * classification.
 */
const MISNAMED = new Set(['keypoints', 'point_cloud_classification', 'point_cloud_segmentation', 'embedding', 'regression']);
/**
 * Details the coarse answer is right about but does not name (Mask R-CNN's
 * instance masks are still object detection, super-resolution still
 * generation): the sentence names them, the value stays the coarse task.
 */
const NAMED_IN_TEXT = new Set(['instance_segmentation', 'super_resolution', 'image_restoration', 'audio_generation', 'reconstruction']);

/** A yes/no question or statement naming a finer task, answered from task.detail; null when it names none or the facts have no detail. */
export function answerTaskDetailQuestion(question: string, parsed: ParsedQuestion, taskDetail: string | null, og: OpGraph): { kind: AskKind; answer: string; value: boolean; evidence: Exact['evidence'] } | null {
  if (taskDetail === null || (parsed.kind !== 'yes_no' && parsed.kind !== 'statement')) return null;
  // Only where the rules read no more than a task (or nothing): "does it use keypoint heatmaps and batch norm?" stays theirs.
  const intent = parsed.intent;
  if (intent && intent.type !== 'task_is') return null;
  const lower = question.toLowerCase();
  const mention = taskDetailMention(lower);
  if (!mention) return null;
  const asked = mention.id;
  const present = asked === taskDetail;
  const negated = NEGATED.test(lower.slice(0, lower.indexOf(mention.text)).replace(/^(does|do|is|are|has|have)(?:n't|nt)\b/, '$1'));
  const truth = negated ? !present : present;
  return { kind: parsed.kind, answer: yesNo(parsed.kind, truth, `the graph's task is ${taskDetailLabel(taskDetail)}`), value: truth, evidence: nodeRefs(og, og.outputNodes.slice(0, 4)) };
}

/**
 * "What is it for?" with the finer task said: as the value where the coarse
 * task's words misname it, in the sentence only where they are right but
 * coarse; null when the rules' answer already says it (image
 * classification, object detection, semantic segmentation …).
 */
export function refinedTaskAnswer(taskDetail: string | null, coarseAnswer: string): { answer: string; value?: string } | null {
  if (taskDetail === null) return null;
  const label = taskDetailLabel(taskDetail);
  if (NAMED_IN_TEXT.has(taskDetail)) return { answer: `${coarseAnswer} (finer task: ${label})` };
  if (!MISNAMED.has(taskDetail)) return null;
  // The rules' sentence keeps what it says about the output, after the finer name.
  const note = /\((.*)\)\s*$/.exec(coarseAnswer)?.[1];
  return { answer: `${cap(label)}${note ? ` (${note})` : ''}`, value: label.replace(/\s*\(.*\)$/, '') };
}
