/**
 * Bounds on the command line itself, checked first thing in each binary,
 * before commander parses anything and long before an ONNX Runtime session
 * exists.
 *
 * Why: creating an ORT session (onnxruntime-node 1.x, Linux) in a process whose
 * command line is about 29 KB or longer crashes inside libonnxruntime with a
 * segmentation fault (exit 139, nothing printed), whatever the text and however
 * it is split into arguments; the text need never reach ORT. No argument of
 * ours needs to be long (paths, option values, a question or a query), so the
 * command line is bounded well below that size and a longer one is bad usage.
 */
import { colorErr } from '../commands/common.js';

/** Longest single argument in bytes (UTF-8): Linux's PATH_MAX, the longest path a file argument can be. */
export const MAX_ARG_BYTES = 4096;

/**
 * Longest command line in bytes, all arguments together (UTF-8, one separator
 * each), for the commands that may start ONNX Runtime. 16 KiB leaves about
 * 12 KB of the ~29 KB at which ORT crashes for the node executable, its flags
 * and the script path, which also count.
 */
export const MAX_ARGV_BYTES = 16 * 1024;

/** The limits in words, for --help. */
export const ARGV_LIMITS_HELP = `Limits: each argument at most ${MAX_ARG_BYTES} bytes; all arguments together at most ${MAX_ARGV_BYTES} bytes
(longer command lines crash ONNX Runtime; \`etran score\` and \`etran eval\` bound each argument only).`;

/** The first problem with argv (user arguments only), or null when it is within bounds. */
export function argvProblem(argv: readonly string[], opts: { total?: boolean } = {}): string | null {
  let total = 0;
  for (const [i, arg] of argv.entries()) {
    const bytes = Buffer.byteLength(arg, 'utf8');
    if (bytes > MAX_ARG_BYTES) {
      return `argument ${i + 1} ('${preview(arg)}') is ${bytes} bytes long; an argument may be at most ${MAX_ARG_BYTES} bytes`;
    }
    total += bytes + 1;
  }
  if (opts.total !== false && total > MAX_ARGV_BYTES) {
    return `the arguments are ${total} bytes long together; at most ${MAX_ARGV_BYTES} bytes are accepted`;
  }
  return null;
}

/** Prints the one-line usage error and returns exit code 2, or returns null when argv is fine. */
export function checkArgv(bin: string, argv: readonly string[], opts: { total?: boolean } = {}): number | null {
  const problem = argvProblem(argv, opts);
  if (problem === null) return null;
  process.stderr.write(`${colorErr.red(`${bin}: error:`)} ${problem}\n`);
  return 2;
}

/** The start of a long argument, printable on one line. */
function preview(arg: string): string {
  const head = arg.slice(0, 24).replace(/[\u0000-\u001f\u007f]/g, '?');
  return arg.length > 24 ? `${head}…` : head;
}
