#!/usr/bin/env node
// Packs the evaluation splits ("heldout" and "test") of an ArchBERT dataset into
// models/archbert/eval/ as gzipped JSONL, with the dataset's manifest, so that
// `archbert eval` reproduces the manifest's figures on a fresh clone (the full
// dataset is ~240 MB and rebuilding it needs the Python exports).
// Usage: node training/archbert/pack_eval_splits.mjs DATASET_DIR [OUT_DIR]
import { createReadStream, mkdirSync, readFileSync, renameSync, writeFileSync, copyFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const [src, out = 'models/archbert/eval'] = process.argv.slice(2);
if (!src) {
  console.error('usage: pack_eval_splits.mjs DATASET_DIR [OUT_DIR]');
  process.exit(2);
}
const keep = new Set(['heldout', 'test']);
mkdirSync(out, { recursive: true });
for (const name of ['graphs', 'texts', 'qa', 'statements']) {
  const kept = [];
  const rl = createInterface({ input: createReadStream(join(src, `${name}.jsonl`)), crlfDelay: Infinity });
  for await (const line of rl) {
    const split = /"split"\s*:\s*"([a-z]+)"/.exec(line)?.[1];
    if (split && keep.has(split)) kept.push(line);
  }
  const target = join(out, `${name}.jsonl.gz`);
  // mtime 0 in the gzip header (zlib default) keeps the output byte-identical across runs.
  writeFileSync(target + '.tmp', gzipSync(kept.join('\n') + '\n', { level: 9 }));
  renameSync(target + '.tmp', target);
  console.log(`${name}: ${kept.length} lines`);
}
const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
manifest.packed_splits = [...keep];
writeFileSync(join(out, 'manifest.json.tmp'), JSON.stringify(manifest, null, 1) + '\n');
renameSync(join(out, 'manifest.json.tmp'), join(out, 'manifest.json'));
for (const f of ['vocab.json', 'answers.json', 'ops.json', 'bins.json']) copyFileSync(join(src, f), join(out, f));
