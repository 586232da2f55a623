/**
 * Runs a CLI as a user would, capped, and checks the contract of DESIGN.md on the result:
 * exit 0, 1 (the rest produced) or 2 with exactly one line on stderr; never a stack trace,
 * an internal JavaScript error or a signal.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * A hang guard, not a speed check: every fuzz case runs in seconds on a quiet machine;
 * 120 s leaves room for a 2-core machine busy with other work (each case is reported with its time).
 */
export const KILL_AFTER_MS = 120_000;
/** V8 heap cap of each spawned CLI: the fixtures need tens of MB, a runaway read fails fast instead of swapping. */
export const HEAP_MB = 512;

export interface Run {
  label: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Durations of every spawn of this file, printed at the end (reported, never asserted). */
export const timings: Array<{ label: string; seconds: number; code: number | null }> = [];

export function runCapped(bin: 'archbert' | 'etran', args: string[], label: string, env: Record<string, string> = {}): Run {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(process.execPath, ['--import', 'tsx', `${repoRoot}/src/cli/${bin}.ts`, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', CI: '1', NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`, ...env },
    encoding: 'utf8',
    timeout: KILL_AFTER_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  timings.push({ label, seconds: Number(seconds.toFixed(2)), code: res.status });
  return { label, code: res.status, signal: res.signal, stdout: res.stdout ?? '', stderr: res.stderr ?? '', seconds };
}

/** What npm prints about its own config is not ours. */
export const stderrLines = (s: string): string[] => s.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));

/** Messages that only a bug produces: a user must never see them. */
const INTERNAL = /is not a function|Cannot read properties of|is not iterable|Maximum call stack|offset is out of bounds|Invalid array length|Invalid typed array length|\bERR_[A-Z_]{4,}|EISDIR: illegal operation|EEXIST: file already exists/;

export function expectContract(r: Run, allowed: ReadonlyArray<0 | 1 | 2> = [0, 1, 2]): void {
  const where = `${r.label}\n--- stderr ---\n${r.stderr.slice(0, 2000)}`;
  expect(r.signal, `killed by a signal (hang or crash): ${where}`).toBeNull();
  expect(allowed, `exit ${r.code}: ${where}`).toContain(r.code);
  expect(r.stderr, `stack trace: ${where}`).not.toMatch(/^\s+at .+(\(|:\d+)/m);
  expect(r.stderr, `internal error: ${where}`).not.toMatch(INTERNAL);
  if (r.code === 2) expect(stderrLines(r.stderr), `exit 2 must be one line: ${where}`).toHaveLength(1);
}

/** `--json` output of a run that completed (exit 0 or 1): one parseable document. */
export function jsonOf(r: Run): Record<string, unknown> {
  expect(() => JSON.parse(r.stdout), `${r.label}: stdout is not one JSON document`).not.toThrow();
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

export function printTimings(file: string): void {
  const total = timings.reduce((s, t) => s + t.seconds, 0);
  console.log(`${file}: ${timings.length} spawn(s), ${total.toFixed(1)} s\n` + timings.map((t) => `  ${t.seconds.toFixed(2).padStart(6)} s  exit ${t.code}  ${t.label}`).join('\n'));
}
