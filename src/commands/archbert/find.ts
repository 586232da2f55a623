/**
 * `archbert find "QUERY" --in DIR|INDEX [--top K] [--json]`: text → architecture search.
 */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { indexDirectory, openIndexFile, prepareIndex } from '../../core/archbert/index/index-directory.js';
import { search } from '../../core/archbert/find.js';
import { MAX_TEXT_CHARS } from '../../core/archbert/model/limits.js';
import { action, color, parsePositiveInt, print, printJson, warn, withJson } from '../common.js';
import { flushModelMessages, modelSetFor, withModelOptions, type ModelOptions } from './model-options.js';

interface FindOptions extends ModelOptions {
  in: string;
  top: number;
  json?: boolean;
  constraints: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('find')
    .description('find architectures matching a text query: learned similarity plus the exact constraints the query states')
    .argument('<query>', `what you are looking for, in your own words (at most ${MAX_TEXT_CHARS} characters)`)
    .requiredOption('--in <dir|index>', 'a directory of model files (indexed on the fly, incrementally) or an index file from `archbert index`')
    .option('--top <k>', 'number of results', parsePositiveInt, 5)
    .option('--no-constraints', 'rank by the learned similarity only (ignore "under 5M parameters", "without attention", …)');
  withModelOptions(cmd);
  withJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ archbert find "a small image classifier without attention" --in models/
  $ archbert find "detector with a feature pyramid" --in zoo.archbert-index.json --top 3 --json
  $ archbert find "mobile network under 5M parameters using depthwise convolutions" --in training/out/real

Phrases understood exactly, checked against each model's graph facts (bounds and
"with/without/no/using X" are hard constraints; a bare mention of a feature ranks
the models that have it first):
  parameter bounds   "under 5M parameters", "80-100M params", "about 50M", "28M-parameter", "50M+ params"
  counts             "fewer than 20 SE blocks", "at least 3 pooling layers", "2-layer GRU"
  depth and compute  "graph depth above 200", "more than 100 layers", "under 1G MACs"
  absence            "without attention", "no batch norm", "attention-free"
  presence           "with batch norm", "using depthwise convolutions", "an LSTM", "a GRU model"
  alternatives       "LSTM or GRU", "with batch norm or layer norm" (one of them is enough)
  kernels and stem   "7x7 depthwise convs", "grouped 3x3 convolutions", "4x4 stride-4 stem", "16x16 patches"
  structure          "shifted windows", "patch merging", "bidirectional GRU", "fused-MBConv"
  task and input     "for detection", "segmentation model", "text classifier", "language model"
  finer task         "pose estimation", "super-resolution", "denoiser", "autoencoder", "instance segmentation"
  design ideas       "fire modules", "channel shuffle", "cardinality", "dense connectivity", "token-mixing MLPs",
                     "ASPP", "U-Net skip concatenation", "class token", "found by NAS", "no channel shuffle"
                     (83 ideas, the ids of \`archbert describe --facts --json\` "ideas"; ranked like a bare feature)
  family and size    "a RegNetY", "Swin", "Xception-style", "YOLO", "the largest ConvNeXt", "smallest variant"
Models meeting every constraint rank first; "why" says what the facts show.
A directory gets DIR/.archbert-index.json (reused and updated on later runs).`,
  );
  cmd.action(
    action(async (query: string, opts: FindOptions) => {
      if (!/[\p{L}\p{N}]/u.test(query)) throw new InputError(null, 'empty query: say what you are looking for, e.g. "a small image classifier without attention"');
      if (query.length > MAX_TEXT_CHARS) throw new InputError(null, `the query is ${query.length} characters long; say it in at most ${MAX_TEXT_CHARS}`);
      if (!existsSync(opts.in)) throw new InputError(opts.in, 'no such file or directory');
      const set = modelSetFor(opts);
      let prepared;
      if (statSync(opts.in).isDirectory()) {
        const r = await indexDirectory(set, opts.in);
        if (r.reembedded) warn(`${r.path}: built by another model version; re-embedded every file`);
        for (const n of r.notes) warn(n);
        for (const s of [...r.skipped, ...r.failed]) warn(`skipped ${s.file}: ${s.reason}`);
        if (r.index.entries.length === 0) throw new InputError(opts.in, `no loadable model files (${r.skipped.length + r.failed.length} skipped)`);
        prepared = prepareIndex(r.index);
      } else {
        if (/\.onnx$/i.test(opts.in)) throw new InputError(opts.in, 'is a model file; --in takes a directory of model files or an index file from `archbert index`');
        const idx = await openIndexFile(set, opts.in);
        for (const n of idx.notes) warn(n);
        if (idx.entries.length === 0) throw new InputError(opts.in, 'no usable entries in the index; rebuild it with `archbert index DIR`');
        prepared = prepareIndex(idx);
      }
      const results = await search(set, prepared, query, { top: opts.top, constraints: opts.constraints });
      flushModelMessages(set);
      if (opts.json) {
        printJson({ query, results });
        return;
      }
      results.forEach((r, i) => {
        print(`${String(i + 1).padStart(2)}. ${color.bold(r.name)}  ${color.dim(r.file)}  ${r.score.toFixed(3)}`);
        print(`    ${r.why}`);
      });
    }),
  );
}
