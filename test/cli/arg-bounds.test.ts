/**
 * Issue 15, case 1–2: a command line long enough to crash ONNX Runtime (≈ 29 KB,
 * a segfault, exit 139) is refused first thing, with one line and exit 2; so are
 * an over-long question or query and a --beam wider than MAX_BEAM.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_ARG_BYTES, MAX_ARGV_BYTES, argvProblem } from '../../src/cli/arg-bounds.js';
import { MAX_TEXT_CHARS } from '../../src/core/archbert/model/limits.js';
import { runCli } from '../helpers/cli.js';

const long = 'x'.repeat(30_000);
const model = 'fixtures/graphs/attention.onnx';

function expectOneLineUsageError(r: { code: number; stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.code).toBe(2); // a signal would give -1 (status null)
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

describe('argvProblem', () => {
  it('accepts ordinary command lines and arguments at the limit', () => {
    expect(argvProblem(['ask', model, 'does it use attention?'])).toBeNull();
    expect(argvProblem(['find', 'q'.repeat(MAX_ARG_BYTES)])).toBeNull();
  });

  it('refuses one argument over MAX_ARG_BYTES, counted in UTF-8 bytes, naming which', () => {
    expect(argvProblem(['find', 'q'.repeat(MAX_ARG_BYTES + 1)])).toMatch(/argument 2 .* 4097 bytes/);
    // 2,049 two-byte characters: under the limit in characters, over it in bytes
    expect(argvProblem(['find', 'é'.repeat(2049)])).toMatch(/4098 bytes/);
  });

  it('refuses many arguments that are long together, unless told the total does not matter', () => {
    const many = Array.from({ length: 5 }, () => 'a'.repeat(4000));
    expect(argvProblem(many)).toMatch(new RegExp(`at most ${MAX_ARGV_BYTES} bytes`));
    expect(argvProblem(many, { total: false })).toBeNull();
  });

  it('keeps the control characters of an argument out of the message', () => {
    const p = argvProblem([`a\nb${'c'.repeat(MAX_ARG_BYTES)}`]);
    expect(p).not.toMatch(/\n/);
  });
});

describe('over-long text, in process', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['ask', [model, 'does it '.repeat(200)], /question is 1600 characters long; .* at most 1000/],
    ['find', ['small '.repeat(200), '--in', 'fixtures/graphs'], /query is 1200 characters long; .* at most 1000/],
  ])('%s: a text over MAX_TEXT_CHARS is exit 2 with one line', async (cmd, args, pattern) => {
    expect(MAX_TEXT_CHARS).toBe(1000);
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    const { main } = await import('../../src/cli/archbert.js');
    const code = await main([cmd, ...(args as string[])]);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(err.join('').trim().split('\n')).toHaveLength(1);
    expect(err.join('')).toMatch(pattern);
  });
});

describe('numeric options out of range, in process', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['dataset build --generated', ['dataset', 'build', '--generated', '20000000000', '--out', '/nonexistent/never-written'], /--generated 20000000000 is too large: at most 1000000/],
    ['eval --caption-limit', ['eval', '--caption-limit', 'banana'], /--caption-limit.*expected a whole number ≥ 0, got 'banana'/],
    ['eval --caption-limit', ['eval', '--caption-limit', '-1'], /expected a whole number ≥ 0, got '-1'/],
  ])('%s: exit 2 naming the bound', async (_label, argv, pattern) => {
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    const { main } = await import('../../src/cli/archbert.js');
    const code = await main(argv);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(err.join('').split('\n')[0]).toMatch(pattern);
  });
});

describe('CLI: a 30,000-character argument never reaches ONNX Runtime', () => {
  it('archbert ask, archbert find, etran rank: exit 2, one line, no signal', () => {
    expectOneLineUsageError(runCli('archbert', ['ask', model, long]), /^archbert: error: argument 3 .* 30000 bytes long/);
    expectOneLineUsageError(runCli('archbert', ['find', long, '--in', 'fixtures/graphs']), /^archbert: error: argument 2 .* 30000 bytes long/);
    expectOneLineUsageError(runCli('etran', ['rank', '--zoo', 'fixtures/models', '--data', long]), /^etran: error: argument 5 .* 30000 bytes long/);
  }, 60_000);

  it('archbert describe --beam 100000: exit 2 before any decoding', () => {
    const r = runCli('archbert', ['describe', model, '--beam', '100000']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/--beam 100000 is too wide: at most 32/);
    expect(r.stdout).toBe('');
  }, 60_000);
});
