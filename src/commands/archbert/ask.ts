/**
 * `archbert ask MODEL "QUESTION" [--json]`: answers a question or checks a statement about a model.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { answerQuestion, learnedView } from '../../core/archbert/ask.js';
import { encodeArchitecture } from '../../core/archbert/model/embed.js';
import { analyzeModelFile } from '../../core/archbert/facts/model-file.js';
import { MAX_TEXT_CHARS } from '../../core/archbert/model/limits.js';
import { action, color, print, printJson, withJson } from '../common.js';
import { flushModelMessages, modelSetFor, withModelOptions, type ModelOptions } from './model-options.js';

interface AskOptions extends ModelOptions {
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('ask')
    .description('answer a question or check a statement about a model, with evidence from its graph')
    .argument('<model>', 'model file: .onnx, Keras / TF.js model.json, or archbert native graph JSON')
    .argument('<question>', `a question ("does it use depthwise convolutions?") or a statement ("this model uses attention"), at most ${MAX_TEXT_CHARS} characters`);
  withModelOptions(cmd);
  withJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ archbert ask resnet50.onnx "does it use depthwise convolutions?"
  $ archbert ask convnext_tiny.onnx "which normalisation layers does it use?" --json
  $ archbert ask model.onnx "what task is it for?"
  $ archbert ask model.onnx "this model uses attention"
  $ archbert ask regnet_y_400mf.onnx "It has fewer than 20 SE blocks."
  $ archbert ask model.onnx "# params"          (terse topics: "norm layers?", "kernel sizes used?")
  $ archbert ask model.onnx "how many trainable parameters?"

Kinds of answer: yes_no ("does it…?"; "doesn't it…?" is answered about the
positive fact), statement (checked true/false), choice (lists: norms,
activations, kernels, blocks), value (counts, task, family, shapes).

Exact values come from the graph facts; the learned QA and reasoning heads
help understand the question and are cross-checked: when they disagree with
the facts, the facts win and the answer says so. "evidence" lists graph nodes
(ids as in the model file) that support the answer.`,
  );
  cmd.action(
    action(async (model: string, question: string, opts: AskOptions) => {
      if (!/[\p{L}\p{N}]/u.test(question)) throw new InputError(null, 'empty question: ask something, e.g. "does it use batch norm?"');
      if (question.length > MAX_TEXT_CHARS) throw new InputError(null, `the question is ${question.length} characters long; ask in at most ${MAX_TEXT_CHARS}`);
      const set = modelSetFor(opts);
      const m = await analyzeModelFile(model);
      const enc = await encodeArchitecture(set, m.opGraph, m.facts.blocks);
      const learned = await learnedView(set, question, enc);
      const a = answerQuestion(question, m.summary, m.opGraph, learned, m.facts.ideas, m.facts.task.detail);
      flushModelMessages(set);
      if (opts.json) {
        // key order of the documented contract
        printJson({ question: a.question, answer: a.answer, value: a.value, kind: a.kind, confidence: a.confidence, evidence: a.evidence });
        return;
      }
      print(a.answer);
      if (a.evidence.length) print(color.dim(`evidence: ${a.evidence.map((e) => `${e.node} (${e.op})`).join(', ')}`));
    }),
  );
}
