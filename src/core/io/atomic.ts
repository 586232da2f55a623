/**
 * Atomic file writes: write a temporary file next to the target, then rename.
 * A reader never sees a half-written file, and an interrupted run leaves the
 * previous version (or nothing) in place.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Replaces the directory `path` as a whole: `fill` writes into a sibling
 * temporary directory, which is renamed into place once complete (an
 * existing `path` is moved aside first, then removed). A run killed while
 * filling leaves `path` as it was; on failure the temporary directory is removed.
 * The caller decides beforehand whether `path` may be replaced.
 */
export async function replaceDirectory(path: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  const stamp = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(path)}.${stamp}.tmp`);
  const old = join(parent, `.${basename(path)}.${stamp}.old`);
  await mkdir(tmp);
  try {
    await fill(tmp);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  let movedAside = false;
  try {
    await rename(path, old);
    movedAside = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    if (movedAside) await rename(old, path).catch(() => undefined); // put the previous one back
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  if (movedAside) await rm(old, { recursive: true, force: true });
}
