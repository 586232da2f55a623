/**
 * `archbert index DIR [--out FILE]`: embeds every model file under DIR into an index file.
 */
import type { Command } from 'commander';
import { indexDirectory } from '../../core/archbert/index/index-directory.js';
import { action, info, interactive, print, printJson, warn, withJson } from '../common.js';
import { flushModelMessages, modelSetFor, withModelOptions, type ModelOptions } from './model-options.js';

interface IndexOptions extends ModelOptions {
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('index')
    .description('embed every model file under a directory (recursively, any supported format) into an index for `archbert find`')
    .argument('<dir>', 'directory of model files')
    .option('--out <file>', 'index file (default: DIR/.archbert-index.json)');
  withModelOptions(cmd);
  withJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ archbert index training/out/real
  $ archbert index ~/models --out zoo.archbert-index.json --json

The index holds each file's embedding, sha256 and exact facts, and the model
version. Re-running it only loads new or changed files; files that fail to load
are listed and skipped. An index from another model version is re-embedded.`,
  );
  cmd.action(
    action(async (dir: string, opts: IndexOptions) => {
      const set = modelSetFor(opts);
      const progress = interactive() && !opts.json ? (rel: string, done: number, total: number) => process.stderr.write(`\r[${done + 1}/${total}] ${rel.slice(0, 60).padEnd(60)}`) : undefined;
      const r = await indexDirectory(set, dir, opts.out, { onProgress: progress });
      if (progress) process.stderr.write('\n');
      flushModelMessages(set);
      if (!r.written) warn(`${r.path}: could not write the index (read-only?)`);
      for (const n of r.notes) warn(n);
      for (const s of [...r.skipped, ...r.failed]) warn(`skipped ${s.file}: ${s.reason}`);
      if (r.reembedded) info(`${r.path}: was built by another model version; every file was embedded again`);
      const summary = {
        index: r.path,
        model_version: set.version,
        entries: r.index.entries.length,
        added: r.added,
        updated: r.updated,
        removed: r.removed,
        reused: r.reused,
        skipped: [...r.skipped, ...r.failed].map((s) => ({ file: s.file, reason: s.reason })),
      };
      if (opts.json) printJson(summary);
      else print(`${r.path}: ${summary.entries} models (${r.added.length} added, ${r.updated.length} updated, ${r.reused} unchanged, ${r.removed.length} removed, ${r.skipped.length + r.failed.length} skipped)`);
      // 1 when nothing could be indexed, or when a file failed through an internal error (the rest is still indexed and written).
      return r.index.entries.length === 0 || r.failed.length > 0 ? 1 : 0;
    }),
  );
}
