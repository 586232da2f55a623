/**
 * The retrieval index: one entry per model file under a directory, with the
 * file's size, mtime and sha256, its ArchBERT embedding and its ArchSummary
 * (exact facts, for constraints and the `why` of a result).
 *
 * Incremental: a file whose size and mtime are unchanged is not read again; a
 * changed mtime with the same sha256 reuses the entry; only new or changed
 * files are loaded, analysed and embedded. Files that fail to load are kept
 * in `skipped` (with their hash) so they are listed without being retried.
 * Written atomically; records the model version, and an index from another
 * model version is refused with a message saying how to rebuild it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { ArchSummary } from './arch-summary.js';
import { sha256Hex } from './runtime.js';

export const INDEX_FORMAT = 'archbert-index';
export const INDEX_VERSION = 1;
/** Default index file name inside an indexed directory. */
export const DEFAULT_INDEX_NAME = '.archbert-index.json';

export interface IndexEntry {
  /** Path relative to the index's root directory, with '/' separators. */
  file: string;
  name: string;
  bytes: number;
  mtimeMs: number;
  sha256: string;
  /** Float32 embedding, base64 of its little-endian bytes (exact, compact). */
  embedding: string;
  summary: ArchSummary;
}

export interface SkippedEntry {
  file: string;
  bytes: number;
  mtimeMs: number;
  sha256: string;
  reason: string;
}

export interface IndexFile {
  format: typeof INDEX_FORMAT;
  version: typeof INDEX_VERSION;
  model_version: string;
  /** Root directory the entries' paths are relative to (relative to the index file's own directory). */
  root: string;
  entries: IndexEntry[];
  skipped: SkippedEntry[];
}

export function encodeEmbedding(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeEmbedding(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Files a directory walk considers model files (any supported format). */
export function isCandidateModelFile(name: string): boolean {
  if (name === DEFAULT_INDEX_NAME || name.startsWith('.')) return false;
  return /\.(onnx|json)$/i.test(name);
}

/** Recursive list of candidate model files (sorted, relative, '/'-separated). Skips hidden dirs and node_modules. */
export async function listModelFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    let items;
    try {
      items = await readdir(dir, { withFileTypes: true });
    } catch {
      throw new InputError(dir, 'cannot read directory');
    }
    for (const it of items) {
      if (it.name.startsWith('.') || it.name === 'node_modules') continue;
      const p = join(dir, it.name);
      if (it.isDirectory()) await walk(p);
      else if (it.isFile() && isCandidateModelFile(it.name)) out.push(relative(root, p).split(sep).join('/'));
    }
  }
  await walk(root);
  return out.sort();
}

/** Reads an index file; any structural problem is an InputError naming the file. */
export async function readIndex(path: string): Promise<IndexFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(path, 'cannot read index file');
  }
  let idx: IndexFile;
  try {
    idx = JSON.parse(text) as IndexFile;
  } catch {
    throw new InputError(path, 'not an archbert index (not valid JSON); rebuild it with `archbert index DIR`');
  }
  if (!idx || idx.format !== INDEX_FORMAT || !Array.isArray(idx.entries) || typeof idx.model_version !== 'string') {
    throw new InputError(path, 'not an archbert index file; build one with `archbert index DIR`');
  }
  if (idx.version !== INDEX_VERSION) throw new InputError(path, `index format version ${String(idx.version)} is not supported (expected ${INDEX_VERSION}); rebuild it with \`archbert index DIR\``);
  idx.skipped ??= [];
  return idx;
}

/** Throws when the index was built by another model set. */
export function checkIndexVersion(idx: IndexFile, path: string, modelVersion: string): void {
  if (idx.model_version !== modelVersion) {
    throw new InputError(
      path,
      `index was built by ArchBERT model version ${idx.model_version}, but the loaded models are version ${modelVersion}; rebuild it with \`archbert index ${idx.root || 'DIR'} --out ${path}\``,
    );
  }
}

export async function writeIndex(path: string, idx: IndexFile): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(idx) + '\n');
}

/** What the embedder must provide for a new or changed file. */
export type EmbedFile = (absPath: string, rel: string) => Promise<{ name: string; embedding: Float32Array; summary: ArchSummary }>;

export interface UpdateResult {
  index: IndexFile;
  added: string[];
  updated: string[];
  reused: number;
  removed: string[];
  skipped: SkippedEntry[];
  /** True when the previous index had another model version (everything re-embedded). */
  reembedded: boolean;
}

/**
 * Brings an index of `root` up to date. `previous` may be null (fresh build)
 * or from another model version (then every file is embedded again).
 * `onProgress` sees each file as it is processed.
 */
export async function updateIndex(
  root: string,
  indexPath: string,
  previous: IndexFile | null,
  modelVersion: string,
  embed: EmbedFile,
  onProgress?: (rel: string, done: number, total: number) => void,
): Promise<UpdateResult> {
  const files = await listModelFiles(root);
  const sameModel = previous !== null && previous.model_version === modelVersion;
  const byPath = new Map((sameModel ? previous!.entries : []).map((e) => [e.file, e]));
  const byHash = new Map((sameModel ? previous!.entries : []).map((e) => [e.sha256, e]));
  const skippedByPath = new Map((previous?.skipped ?? []).map((s) => [s.file, s]));
  const entries: IndexEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const added: string[] = [];
  const updated: string[] = [];
  let reused = 0;
  let done = 0;
  for (const rel of files) {
    const abs = join(root, rel);
    const st = await stat(abs);
    const old = byPath.get(rel);
    onProgress?.(rel, done++, files.length);
    if (old && old.bytes === st.size && old.mtimeMs === st.mtimeMs) {
      entries.push(old);
      reused++;
      continue;
    }
    const oldSkip = skippedByPath.get(rel);
    if (oldSkip && oldSkip.bytes === st.size && oldSkip.mtimeMs === st.mtimeMs) {
      skipped.push(oldSkip);
      continue;
    }
    const buf = await readFile(abs);
    const hash = sha256Hex(buf);
    const same = byHash.get(hash);
    if (same) {
      entries.push({ ...same, file: rel, bytes: st.size, mtimeMs: st.mtimeMs });
      reused++;
      continue;
    }
    if (oldSkip && oldSkip.sha256 === hash) {
      skipped.push({ ...oldSkip, bytes: st.size, mtimeMs: st.mtimeMs });
      continue;
    }
    try {
      const r = await embed(abs, rel);
      entries.push({ file: rel, name: r.name, bytes: st.size, mtimeMs: st.mtimeMs, sha256: hash, embedding: encodeEmbedding(r.embedding), summary: r.summary });
      (old ? updated : added).push(rel);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // One line, without the absolute path the error may start with.
      const msg = err.message.startsWith(`${abs}: `) ? err.message.slice(abs.length + 2) : err.message;
      skipped.push({ file: rel, bytes: st.size, mtimeMs: st.mtimeMs, sha256: hash, reason: msg.split('\n')[0]! });
    }
  }
  const present = new Set(files);
  const removed = (previous?.entries ?? []).map((e) => e.file).filter((f) => !present.has(f));
  const index: IndexFile = {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    model_version: modelVersion,
    root: relative(dirname(resolve(indexPath)), resolve(root)).split(sep).join('/') || '.',
    entries,
    skipped,
  };
  return { index, added, updated, reused, removed, skipped, reembedded: previous !== null && !sameModel };
}

/** Absolute root directory of an index read from `indexPath`. */
export function indexRoot(indexPath: string, idx: IndexFile): string {
  return resolve(dirname(resolve(indexPath)), idx.root || '.');
}
