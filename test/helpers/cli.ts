/**
 * Runs a CLI from source (through tsx, no build needed) and captures its output.
 * Use for contract tests: exit codes, --json on stdout, one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(bin: 'archbert' | 'etran', args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): CliResult {
  const res = spawnSync(process.execPath, ['--import', 'tsx', `${root}/src/cli/${bin}.ts`, ...args], {
    cwd: opts.cwd ?? root,
    env: { ...process.env, NO_COLOR: '1', CI: '1', ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    // A hang guard, not a speed check: a spawn on a busy 2-core machine can take minutes.
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

export const repoRoot = root;
