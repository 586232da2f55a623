import { readFileSync } from 'node:fs';

/** The rows of a JSONL file, one parsed object per non-empty line. */
export const readJsonl = (path: string): any[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
