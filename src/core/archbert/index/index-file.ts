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
 *
 * What is read back is checked entry by entry (structure, embedding length,
 * and a checksum of the entry recorded at write time): a damaged entry is
 * dropped and reported in `damaged`, so the caller recomputes it from the
 * model file and says so, instead of failing or scoring it as null.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { InputError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { ArchSummary } from '../facts/arch-summary.js';
import { sha256Hex } from '../model/model-set.js';

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
  /** sha256 of the entry's other fields (canonical JSON), written by writeIndex; absent in older indexes. */
  checksum?: string;
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
  /** Set by readIndex only (never written): entries that were damaged and dropped, one description each. */
  damaged?: string[];
}

export function encodeEmbedding(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeEmbedding(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % 4 !== 0) throw new InputError(null, `embedding of ${buf.byteLength} bytes is not whole float32 values`);
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** JSON with object keys sorted, so a checksum does not depend on key order (JSON.parse moves integer-like keys first). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Checksum of an entry's fields other than `checksum`. */
export function entryChecksum(e: IndexEntry): string {
  const { checksum: _c, ...rest } = e;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Why an entry read from an index file cannot be used (null when it can). `dim` is the embedding length the index's entries agree on. */
export function entryProblem(e: unknown, dim: number | null): string | null {
  if (!isObject(e)) return `not an entry (${e === null ? 'null' : Array.isArray(e) ? 'a list' : typeof e})`;
  if (typeof e.file !== 'string' || e.file === '') return 'no file path';
  if (typeof e.name !== 'string') return 'no name';
  if (!Number.isSafeInteger(e.bytes) || (e.bytes as number) < 0 || !Number.isFinite(e.mtimeMs)) return 'size or mtime missing';
  if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) return 'sha256 missing';
  if (typeof e.embedding !== 'string' || !BASE64.test(e.embedding)) return 'embedding is not base64 text';
  const bytes = Buffer.from(e.embedding, 'base64').byteLength;
  if (bytes === 0 || bytes % 4 !== 0) return `embedding of ${bytes} bytes is not whole float32 values`;
  if (dim !== null && bytes / 4 !== dim) return `embedding has ${bytes / 4} values, the others ${dim}`;
  if (!decodeEmbedding(e.embedding).every(Number.isFinite)) return 'embedding holds NaN or infinite values';
  if (!isObject(e.summary)) return 'summary missing';
  if (e.checksum !== undefined && e.checksum !== entryChecksum(e as unknown as IndexEntry)) return 'checksum does not match (edited or corrupted)';
  return null;
}

/** The embedding length most entries have (their agreement is what a damaged entry is judged against). */
function commonDim(entries: unknown[]): number | null {
  const counts = new Map<number, number>();
  for (const e of entries) {
    if (!isObject(e) || typeof e.embedding !== 'string' || !BASE64.test(e.embedding)) continue;
    const bytes = Buffer.from(e.embedding, 'base64').byteLength;
    if (bytes > 0 && bytes % 4 === 0) counts.set(bytes / 4, (counts.get(bytes / 4) ?? 0) + 1);
  }
  let best: number | null = null;
  for (const [d, n] of counts) if (best === null || n > counts.get(best)!) best = d;
  return best;
}

function skippedProblem(s: unknown): boolean {
  return !isObject(s) || typeof s.file !== 'string' || typeof s.reason !== 'string' || typeof s.sha256 !== 'string' || !Number.isFinite(s.bytes) || !Number.isFinite(s.mtimeMs);
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
  if (typeof idx.root !== 'string') idx.root = '.';
  // Entry by entry: a damaged one is dropped and described, so the caller can recompute it and say so.
  const raw = idx.entries as unknown[];
  const dim = commonDim(raw);
  const damaged: string[] = [];
  const seen = new Set<string>();
  idx.entries = raw.filter((e, i): e is IndexEntry => {
    let problem = entryProblem(e, dim);
    const file = isObject(e) && typeof e.file === 'string' && e.file !== '' ? e.file : null;
    if (problem === null && seen.has(file!)) problem = 'listed twice';
    if (problem === null) {
      seen.add(file!);
      return true;
    }
    damaged.push(`${file ?? `entry ${i + 1}`}: ${problem}`);
    return false;
  });
  idx.skipped = Array.isArray(idx.skipped) ? idx.skipped.filter((s) => !skippedProblem(s)) : [];
  idx.damaged = damaged;
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
  const { damaged: _d, ...rest } = idx;
  const entries = rest.entries.map((e) => ({ ...e, checksum: entryChecksum(e) }));
  await writeFileAtomic(path, JSON.stringify({ ...rest, entries }) + '\n');
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
  /**
   * Files whose analysis failed with an internal error (a bug, not bad input): listed like
   * `skipped` but not recorded in the index, so the next run tries them again.
   */
  failed: Array<{ file: string; reason: string }>;
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
  const failed: UpdateResult['failed'] = [];
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
      // One line, without the absolute path the error may start with.
      const message = err instanceof Error ? err.message : String(err);
      const msg = (message.startsWith(`${abs}: `) ? message.slice(abs.length + 2) : message).split('\n')[0]!;
      // One file that trips a bug must not cost the whole index (the others are still indexed and written).
      if (err instanceof InputError) skipped.push({ file: rel, bytes: st.size, mtimeMs: st.mtimeMs, sha256: hash, reason: msg });
      else failed.push({ file: rel, reason: `internal error: ${msg || 'unknown'}` });
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
  return { index, added, updated, reused, removed, skipped, failed, reembedded: previous !== null && !sameModel };
}

/** Absolute root directory of an index read from `indexPath`. */
export function indexRoot(indexPath: string, idx: IndexFile): string {
  return resolve(dirname(resolve(indexPath)), idx.root || '.');
}
