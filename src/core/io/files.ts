/** Small file-system helpers shared by the loaders. */
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** A short reason for a failed read: "no such file", "is a directory", … */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'EACCES':
      return 'permission denied';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Reads a whole file, turning fs errors into a one-line InputError naming the
 * file. With `maxBytes`, only a regular file of at most that size is read (a
 * FIFO or a device would never end).
 */
export async function readInputFile(path: string, maxBytes?: number): Promise<Buffer> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new InputError(path, 'is a directory, expected a file');
    if (maxBytes !== undefined) {
      if (!st.isFile()) throw new InputError(path, 'is not a regular file');
      if (st.size > maxBytes) throw new InputError(path, `is ${st.size} bytes, more than the ${maxBytes} this input may have`);
    }
    return await readFile(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, describeFsError(err));
  }
}
