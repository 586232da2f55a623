/**
 * Writing the dataset's files: JSONL assembled in memory as line chunks,
 * per-file SHA-256 digests and the data hash over all of them (the manifest
 * records both), and the atomic swap of the finished directory into place, so
 * the output is either the previous complete dataset or the new one.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A JSONL file being assembled in memory, hashed as it grows. */
export class JsonlSink {
  readonly chunks: string[] = [];
  lines = 0;
  push(obj: unknown): void {
    this.chunks.push(JSON.stringify(obj));
    this.lines++;
  }
  /** The file's content as line chunks (a 200 MB file never becomes one string). */
  parts(): string[] {
    return this.chunks.map((c) => c + '\n');
  }
}

/** A file of the dataset: its name, its content as chunks, and its line count for the manifest. */
export type DatasetFile = [name: string, chunks: string[], lines: number];

/**
 * Per-file SHA-256 and line count, and the data hash: SHA-256 over
 * "name:sha\n" of every file in order, so two builds with equal files have
 * equal hashes.
 */
export function hashFiles(files: DatasetFile[]): { files: Record<string, { sha256: string; lines: number }>; dataHash: string } {
  const fileInfo: Record<string, { sha256: string; lines: number }> = {};
  const whole = createHash('sha256');
  for (const [name, content, lines] of files) {
    const h = createHash('sha256');
    for (const c of content) h.update(c);
    const sha = h.digest('hex');
    fileInfo[name] = { sha256: sha, lines };
    whole.update(`${name}:${sha}\n`);
  }
  return { files: fileInfo, dataHash: whole.digest('hex') };
}

/** Writes all files into `<out>.partial-<pid>`, then replaces `out` with it. */
export async function writeDirAtomic(out: string, files: Array<[string, string[]]>): Promise<void> {
  const parent = dirname(out);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(out)}.partial-${process.pid}`);
  const old = join(parent, `.${basename(out)}.old-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    for (const [name, chunks] of files) {
      const fh = await open(join(tmp, name), 'w');
      try {
        // Batches of chunks keep the number of write calls low without one giant string.
        for (let i = 0; i < chunks.length; i += 2000) await fh.write(chunks.slice(i, i + 2000).join(''));
      } finally {
        await fh.close();
      }
    }
    if (existsSync(out)) await rename(out, old);
    await rename(tmp, out);
    await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
