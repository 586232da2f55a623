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

/**
 * Runs a CLI's main() in this process and captures what it writes: the same
 * contract (exit code, stdout, stderr) without a Node + tsx start-up per call,
 * which is most of a spawned run's time. Use runCli where the real process
 * matters (environment, signals, the bin launcher).
 */
export async function runCliInProcess(bin: 'archbert' | 'etran', args: string[], opts: { env?: Record<string, string> } = {}): Promise<CliResult> {
  const { main } = (await import(`../../src/cli/${bin}.ts`)) as { main: (argv: string[]) => Promise<number> };
  let stdout = '';
  let stderr = '';
  const text = (chunk: unknown) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: unknown) => ((stdout += text(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => ((stderr += text(chunk)), true)) as typeof process.stderr.write;
  // variables the run should see (a scheduler's, say), put back afterwards
  const env = opts.env ?? {};
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let code: number;
  try {
    code = await main(args);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { code, stdout, stderr };
}
