/**
 * `archbert eval [--data DIR] [--json]`: quality of the trained ArchBERT set
 * on the held-out-family and in-distribution test splits, through the ONNX
 * files (the definitions of training/archbert/README.md "Metrics").
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVAL_SPLITS, evaluate, type EvalSplit, type SplitMetrics } from '../../core/archbert/evaluate.js';
import { action, color, print, printJson, withJson } from '../common.js';
import { flushModelMessages, modelSetFor, withModelOptions, type ModelOptions } from './model-options.js';

/** --caption-limit: a whole number ≥ 0 ("abc", -1 or 1.5 are bad usage, exit 2, not a silent NaN limit). */
function parseCount(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
    throw Object.assign(new Error(`expected a whole number ≥ 0, got '${value}'`), { code: 'commander.invalidArgument' });
  }
  return n;
}

/** --splits: a comma-separated list of split names, each known, none twice. */
function parseSplits(value: string): EvalSplit[] {
  const names = value.split(',').map((x) => x.trim()).filter(Boolean);
  const known = new Set<string>(EVAL_SPLITS);
  const bad = names.find((x) => !known.has(x));
  if (!names.length || bad !== undefined || new Set(names).size !== names.length) {
    const why = bad !== undefined ? `unknown split '${bad}'` : names.length ? 'a split named twice' : 'no split named';
    throw Object.assign(new Error(`${why}: expected a comma-separated list of ${EVAL_SPLITS.join(', ')}`), { code: 'commander.invalidArgument' });
  }
  return names as EvalSplit[];
}

interface EvalOptions extends ModelOptions {
  data?: string;
  splits?: EvalSplit[];
  otherDataset?: boolean;
  keepUnknownWords?: boolean;
  byTemplate?: boolean;
  captionLimit?: number;
  captions: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('eval')
    .description('measure the trained ArchBERT models: retrieval R@1/R@5/MRR, reasoning accuracy/F1, QA exact match/F1, caption ROUGE-L/BLEU-4')
    .option('--data <dir>', 'dataset directory written by `archbert dataset build` (default: the one manifest.json names, else the packed eval splits in MODELS/eval, else training/out/archbert-data)')
    .option('--caption-limit <n>', 'caption metrics on the first N captioned graphs of a split (default: the manifest\'s caption_limit; 0 = all)', parseCount)
    .option('--no-captions', 'skip the caption metrics (the slow part)')
    .option('--splits <list>', `splits to measure, comma-separated: ${EVAL_SPLITS.join(', ')} (default: heldout,test)`, parseSplits)
    .option('--other-dataset', 'accept a dataset the models were not trained on, to compare two sets on one split: texts are re-tokenized with the set\'s vocabulary, answers matched by string (its splits may overlap the set\'s training data)')
    .option('--by-template', 'also reasoning accuracy and QA exact match per template of the dataset (the statement and question kinds: key idea, layer count, swapped parameter count, …); weakest first, as manifest.json records them; in --json under reasoning.by_template and qa.by_template')
    .option('--keep-unknown-words', 'feed each text\'s token ids as the dataset wrote them, as export.py read them for manifest.json (on datasets built before the rule below, words outside the vocabulary included); by default texts are read as `find` and `ask` read them, without those words');
  withModelOptions(cmd);
  withJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ archbert eval
  $ archbert eval --data training/out/archbert-data --json
  $ archbert eval --no-captions
  $ archbert eval --data training/out/archbert-data-17 --other-dataset --splits val --no-captions
  $ archbert eval --no-captions --by-template

Splits: "heldout" = whole families never seen in training (ConvNeXt, RegNet,
Swin, EfficientNetV2, GRU); "test" = in-distribution; "val" = the validation
split training decisions are made on. The dataset must be the one the models
were trained on (its hash is checked against manifest.json), unless
--other-dataset: then its graphs must use the set's ops.json and bins.json.
Texts are read as find and ask read them: a word outside the vocabulary (a
held-out family's name, say) is left out. Datasets built before that rule
hold such words in their ids, and export.py's manifest figures for a set
trained on one were computed with them; --keep-unknown-words reads the ids
as written and reproduces those figures.`,
  );
  cmd.action(
    action(async (opts: EvalOptions) => {
      const set = modelSetFor(opts);
      const limit = opts.captionLimit === undefined ? undefined : opts.captionLimit === 0 ? null : opts.captionLimit;
      // The dataset the models were trained on, as export.py recorded it (relative to the repository).
      const repo = fileURLToPath(new URL('../../..', import.meta.url));
      const recorded = typeof set.manifest.data?.dir === 'string' ? resolve(repo, set.manifest.data.dir) : null;
      // On a fresh clone the full dataset is absent: its eval splits ship packed beside the models.
      const packed = join(set.dir, 'eval');
      const data = opts.data
        ? resolve(opts.data)
        : recorded && existsSync(recorded)
          ? recorded
          : existsSync(join(packed, 'manifest.json'))
            ? packed
            : resolve(repo, 'training/out/archbert-data');
      const r = await evaluate(set, data, { captionLimit: limit, captions: opts.captions, splits: opts.splits, otherDataset: opts.otherDataset, keepUnknownWords: opts.keepUnknownWords, byTemplate: opts.byTemplate });
      flushModelMessages(set);
      const measured = Object.keys(r.splits) as EvalSplit[];
      if (opts.json) {
        // The contract: exactly these keys per split (heldout and test unless --splits says
        // otherwise); the source-only reading is in the table and the manifest.
        // --by-template adds by_template to reasoning and qa, as manifest.json has it.
        const contract = (m: SplitMetrics | null | undefined) => m ? { retrieval: m.retrieval, reasoning: m.reasoning, qa: m.qa, caption: m.caption } : null;
        const out: Record<string, unknown> = {};
        for (const split of measured) out[split] = contract(r.splits[split]);
        printJson(out);
        return;
      }
      if (r.otherDataset) print(color.dim('dataset not the models\' own: texts re-tokenized with their vocabulary, answers matched by string; no manifest rows'));
      const f = (x: number | null) => (x === null ? '   -  ' : x.toFixed(4));
      const manifestOf = (split: string) => (r.manifest?.[split] ?? null) as SplitMetrics | null;
      print(color.bold('split     R@1    R@5    MRR    | reas.acc reas.F1 | QA EM  QA F1  | ROUGE-L BLEU-4'));
      for (const split of measured) {
        const m = r.splits[split];
        if (!m) continue;
        const row = (x: SplitMetrics) =>
          `${f(x.retrieval.r1)} ${f(x.retrieval.r5)} ${f(x.retrieval.mrr)} | ${f(x.reasoning.accuracy)}  ${f(x.reasoning.f1)} | ${f(x.qa.exact_match)} ${f(x.qa.f1)} | ${f(x.caption.rouge_l)}  ${f(x.caption.bleu4)}`;
        print(`${split.padEnd(8)}  ${row(m)}`);
        const mm = r.otherDataset ? null : manifestOf(split);
        if (mm?.retrieval) print(color.dim(`manifest  ${row(mm)}`));
        const so = m.retrieval_source_only;
        print(color.dim(`          retrieval, relevant = source graph only: R@1 ${f(so.r1)}  R@5 ${f(so.r5)}  MRR ${f(so.mrr)}`));
        const c = r.counts[split]!;
        print(color.dim(`          ${c.graphs} graphs, ${c.queries} queries, ${c.statements} statements, ${c.questions} questions, ${c.captioned} captioned`));
        for (const [what, byTemplate] of [['reasoning accuracy', m.reasoning.by_template], ['QA exact match', m.qa.by_template]] as const) {
          if (!byTemplate) continue;
          const rows = Object.entries(byTemplate);
          print(`          ${what} by template, weakest first:`);
          const width = Math.max(...rows.map(([t]) => t.length));
          for (const [t, { correct, n }] of rows) print(`            ${t.padEnd(width)}  ${correct.toFixed(3)}  (${n})`);
        }
      }
    }),
  );
}
