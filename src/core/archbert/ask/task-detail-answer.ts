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
 * Details whose coarse task answer misleads, so "what is it for?" names the
 * detail instead: a keypoint network's coarse task is "detection", a point
 * cloud classifier's "classification" reads as images, super-resolution's
 * "generation" as synthesis. The other details say what the coarse answer
 * already says (image classification, object detection …).
 */
const REFINED = new Set(['keypoints', 'instance_segmentation', 'super_resolution', 'image_restoration', 'point_cloud_classification', 'point_cloud_segmentation', 'audio_generation', 'reconstruction', 'embedding', 'regression']);

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

/** "What is it for?" on a graph whose finer task the coarse answer would misname: the finer task, else null (the rules' answer stands). */
export function refinedTaskAnswer(taskDetail: string | null, coarseAnswer: string): { answer: string; value: string } | null {
  if (taskDetail === null || !REFINED.has(taskDetail)) return null;
  const label = taskDetailLabel(taskDetail);
  // The rules' sentence keeps what it says about the output, after the finer name.
  const note = /\((.*)\)\s*$/.exec(coarseAnswer)?.[1];
  return { answer: `${cap(label)}${note ? ` (${note})` : ''}`, value: label.replace(/\s*\(.*\)$/, '') };
}
