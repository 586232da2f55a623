/**
 * The index a search runs over, as `archbert index` and `archbert find` get
 * it: built or refreshed for a directory (incrementally), or read from an
 * index file and checked, then prepared (embeddings decoded). Running a query
 * against it is the find flow's (find.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { encodeArchitecture } from '../model/embed.js';
import {
  DEFAULT_INDEX_NAME,
  checkIndexVersion,
  decodeEmbedding,
  indexRoot,
  readIndex,
  updateIndex,
  writeIndex,
  type IndexFile,
  type UpdateResult,
} from './index-file.js';
import { analyzeModelFile, modelName } from '../facts/model-file.js';
import { STRUCTURE_VERSION } from '../facts/structure.js';
import type { ModelSet } from '../model/model-set.js';

/** Builds or refreshes the index of `dir` (written to `out`, default DIR/.archbert-index.json). */
export async function indexDirectory(
  set: ModelSet,
  dir: string,
  out?: string,
  opts: { write?: boolean; onProgress?: (rel: string, done: number, total: number) => void } = {},
): Promise<UpdateResult & { path: string; written: boolean; notes: string[] }> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError(dir, 'not a directory');
  const path = resolve(out ?? join(root, DEFAULT_INDEX_NAME));
  const notes: string[] = [];
  let previous: IndexFile | null = null;
  if (existsSync(path)) {
    try {
      previous = await readIndex(path);
    } catch (e) {
      previous = null; // a damaged index is rebuilt, not trusted
      notes.push(`${path}: ${e instanceof InputError ? e.message.replace(`${path}: `, '').replace(/; (re)?build .*$/, '') : 'unreadable'}; rebuilding it`);
    }
    if (previous?.damaged?.length) notes.push(damagedNote(path, previous.damaged, 'recomputed from the model files'));
    // Entries written before these structure facts existed (or by an older rule) would answer window/direction/kernel constraints wrongly: rebuild.
    if (previous && previous.entries.some((e) => (e.summary as Partial<typeof e.summary>).structure?.version !== STRUCTURE_VERSION)) previous = null;
  }
  const result = await updateIndex(
    root,
    path,
    previous,
    set.version,
    async (abs, rel) => {
      const m = await analyzeModelFile(abs, modelName(rel));
      const enc = await encodeArchitecture(set, m.opGraph, m.facts.blocks);
      const { generated: _g, ...summary } = m.summary;
      return { name: m.summary.name, embedding: enc.embedding, summary: { ...summary, generated: null } };
    },
    opts.onProgress,
  );
  if (result.index.entries.length === 0 && result.skipped.length === 0) {
    throw new InputError(dir, 'no model files found (looked for .onnx, Keras / TF.js model.json and archbert graph .json, recursively)');
  }
  let written = false;
  if (opts.write !== false) {
    try {
      await writeIndex(path, result.index);
      written = true;
    } catch {
      written = false; // read-only directory: the index still serves this run
    }
  }
  return { ...result, path, written, notes };
}

/** One line about the damaged entries of an index and what was done about them. */
function damagedNote(path: string, damaged: string[], done: string): string {
  const shown = damaged.slice(0, 3).join('; ');
  const more = damaged.length > 3 ? `; and ${damaged.length - 3} more` : '';
  return `${path}: ${damaged.length} damaged ${damaged.length === 1 ? 'entry' : 'entries'} (${shown}${more}), ${done}`;
}

/**
 * Reads an index file given to --in and checks it was built by these models.
 * Damaged entries are recomputed from the model files when the indexed directory
 * is still there (the index is brought up to date and rewritten), otherwise left
 * out; either way `notes` says so.
 */
export async function openIndexFile(set: ModelSet, path: string): Promise<IndexFile & { notes: string[] }> {
  const idx = await readIndex(path);
  checkIndexVersion(idx, path, set.version);
  // Older entries lack (or have an older rule for) the structure facts: window/direction/kernel constraints would be judged wrongly.
  if (idx.entries.some((e) => (e.summary as Partial<typeof e.summary>).structure?.version !== STRUCTURE_VERSION)) {
    throw new InputError(path, `index entries predate the current structure facts (version ${STRUCTURE_VERSION}); rebuild it with \`archbert index ${idx.root && idx.root !== '.' ? idx.root : 'DIR'} --out ${path}\``);
  }
  if (!idx.damaged?.length) return { ...idx, notes: [] };
  const root = indexRoot(path, idx);
  if (existsSync(root) && statSync(root).isDirectory()) {
    const r = await indexDirectory(set, root, path);
    const failures = [...r.skipped, ...r.failed].map((s) => `skipped ${s.file}: ${s.reason}`);
    return { ...r.index, notes: [...r.notes, ...failures] };
  }
  return { ...idx, notes: [damagedNote(path, idx.damaged, `left out (the indexed directory ${root} is gone, so they cannot be recomputed)`)] };
}

export interface PreparedIndex {
  entries: Array<{ file: string; name: string; embedding: Float32Array; summary: IndexFile['entries'][number]['summary'] }>;
}

export function prepareIndex(idx: IndexFile): PreparedIndex {
  return { entries: idx.entries.map((e) => ({ file: e.file, name: e.name, embedding: decodeEmbedding(e.embedding), summary: e.summary })) };
}
