/**
 * Issue 18: the Slurm example of deploy/slurm/ runs as written under
 * stand-ins for `sbatch` and `srun` on PATH (no Slurm here). The sbatch
 * stand-in runs an --array job's tasks one after another with the variables
 * Slurm sets, and a job with --dependency=afterok:ID only if every task of
 * ID succeeded; the `etran` stand-in records each call with its environment.
 * The recorded calls are then replayed by the real CLI, in process, on a
 * fixture zoo: each task's `--shard auto` must resolve to a different shard,
 * and the dependent rank must run nothing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shardFromEnv } from '../../src/core/features/shards.js';
import { repoRoot } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/cli.js';

const SBATCH = `#!/bin/bash
# sbatch stand-in: runs the job now (array tasks in order), records ok/failed/never per job id.
set -u
state=\${SBATCH_STANDIN_DIR:?}
parsable=0; array=""; dep=""; script=""
for a in "$@"; do
  case "$a" in
    --parsable) parsable=1 ;;
    --array=*) array=\${a#--array=} ;;
    --dependency=*) dep=\${a#--dependency=} ;;
    --export=*) IFS=, read -ra kv <<< "\${a#--export=}"; for e in "\${kv[@]}"; do [ "$e" = ALL ] || export "$e"; done ;;
    -*) echo "sbatch stand-in: unexpected option $a" >&2; exit 2 ;;
    *) script=$a ;;
  esac
done
[ -f "$script" ] || { echo "sbatch stand-in: no script $script" >&2; exit 2; }
id=$(cat "$state/next" 2>/dev/null || echo 100); echo $((id + 1)) > "$state/next"
status=ok
case "$dep" in
  "") ;;
  afterok:*) [ "$(cat "$state/\${dep#afterok:}.status")" = ok ] || status=never ;;
  *) echo "sbatch stand-in: unsupported dependency $dep" >&2; exit 2 ;;
esac
if [ $status = never ]; then :
elif [ -n "$array" ]; then
  lo=\${array%-*}; hi=\${array#*-}
  for ((i = lo; i <= hi; i++)); do
    SLURM_JOB_ID=$id SLURM_ARRAY_JOB_ID=$id SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=$lo SLURM_ARRAY_TASK_MAX=$hi \\
      SLURM_ARRAY_TASK_STEP=1 SLURM_ARRAY_TASK_COUNT=$((hi - lo + 1)) SLURM_CPUS_PER_TASK=2 bash "$script" || status=failed
  done
else
  SLURM_JOB_ID=$id SLURM_CPUS_PER_TASK=2 bash "$script" || status=failed
fi
echo $status > "$state/$id.status"
if [ $parsable = 1 ]; then echo "$id"; else echo "Submitted batch job $id"; fi
`;
const SRUN = '#!/bin/bash\n# srun stand-in: runs the step in place.\nexec "$@"\n';
const ETRAN = `#!/usr/bin/env node
// etran stand-in: records the call and the scheduler variables; fails the array task named by FAIL_TASK.
const fs = require('node:fs');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(SLURM_|SHARD$)/.test(k)));
fs.appendFileSync(process.env.ETRAN_LOG, JSON.stringify({ args: process.argv.slice(2), env }) + '\\n');
if (process.argv[2] === 'rank') process.stdout.write('{"stand_in": true}\\n');
process.exit(process.env.FAIL_TASK !== undefined && process.env.FAIL_TASK === process.env.SLURM_ARRAY_TASK_ID ? 1 : 0);
`;

interface Call {
  args: string[];
  env: Record<string, string>;
}

/** A scratch directory with the stand-ins on PATH, and a runner of deploy/slurm scripts in it. */
function cluster() {
  const root = mkdtempSync(join(tmpdir(), 'etran-slurm-'));
  const bin = join(root, 'bin');
  const state = join(root, 'state');
  mkdirSync(bin);
  mkdirSync(state);
  for (const [name, text] of Object.entries({ sbatch: SBATCH, srun: SRUN, etran: ETRAN })) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  const log = join(root, 'calls.jsonl');
  const cache = join(root, 'cache');
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    SBATCH_STANDIN_DIR: state,
    ETRAN_LOG: log,
    ZOO: join(repoRoot, 'fixtures/rank/zoo-cls'),
    DATA: join(repoRoot, 'fixtures/rank/images'),
    CACHE: cache,
    CHUNK_SIZE: '10',
  };
  const run = (cmd: string[], extra: Record<string, string> = {}) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLURM_|JOB_COMPLETION_INDEX|AWS_BATCH_)/.test(k)));
    return spawnSync(cmd[0]!, cmd.slice(1), { cwd: root, env: { ...base, ...env, ...extra }, encoding: 'utf8' });
  };
  const calls = (): Call[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Call) : []);
  return { root, run, calls, cache };
}

const inProcess = (args: string[], env: Record<string, string> = {}) => runCliInProcess('etran', args, { env });

const submit = join(repoRoot, 'deploy/slurm/submit.sh');
const arrayScript = join(repoRoot, 'deploy/slurm/extract-array.sbatch');
const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('deploy/slurm', () => {
  afterEach(() => vi.restoreAllMocks());

  it('submit.sh: 4 array tasks, each its own shard, then the dependent rank; replayed for real, the rank runs nothing', async () => {
    const c = cluster();
    const r = c.run(['bash', submit], { SHARDS: '4' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('extraction array: 100 (4 tasks); rank: 101');
    const calls = c.calls();
    expect(calls.map((k) => k.args[0])).toEqual(['features', 'features', 'features', 'features', 'rank']);
    const shards = calls.slice(0, 4).map((k) => {
      expect(flag(k.args, '--shard')).toBe('auto');
      expect(flag(k.args, '--shards')).toBe('4');
      return shardFromEnv(k.env, 4);
    });
    expect(shards).toEqual([0, 1, 2, 3].map((index) => ({ index, count: 4 })));
    const rank = calls[4]!.args;
    for (const f of ['--zoo', '--data', '--cache', '--chunk-size', '--seed']) expect(flag(rank, f), f).toBe(flag(calls[0]!.args, f));
    expect(rank).not.toContain('--shard');
    expect(readFileSync(join(c.root, 'ranking.json'), 'utf8')).toBe('{"stand_in": true}\n');

    // The same calls through the real CLI: 3 models × 3 chunks of 24 images = 9 units over 4 shards.
    let units = 0;
    for (const k of calls.slice(0, 4)) {
      const out = await inProcess(k.args, k.env);
      expect(out.code).toBe(0);
      units += (JSON.parse(out.stdout) as { units: number }).units;
    }
    expect(units).toBe(9);
    const ranked = await inProcess(rank, {});
    expect(ranked.code).toBe(0);
    expect(Object.values((JSON.parse(ranked.stdout) as { extraction: Record<string, { cached: boolean }> }).extraction).every((e) => e.cached)).toBe(true);
  });

  it('a failed task holds the rank back (afterok); the README\'s rerun of that one task names its shard explicitly', () => {
    const c = cluster();
    const r = c.run(['bash', submit], { SHARDS: '4', FAIL_TASK: '2' });
    expect(r.status, r.stderr).toBe(0);
    expect(c.calls().map((k) => k.args[0])).toEqual(['features', 'features', 'features', 'features']);
    expect(existsSync(join(c.root, 'ranking.json'))).toBe(false);
    const again = c.run(['sbatch', '--export=ALL,SHARD=2/4', arrayScript]);
    expect(again.status, again.stderr).toBe(0);
    const last = c.calls().at(-1)!;
    expect(flag(last.args, '--shard')).toBe('2/4');
    expect(last.args).not.toContain('--shards');
    // An array of one task to redo task 2 is refused by etran (1 task, but SHARDS=4), not run as shard 0 of 1.
    const wrong = c.run(['sbatch', '--array=2-2', arrayScript], { SHARDS: '4' });
    expect(wrong.status).toBe(0);
    const w = c.calls().at(-1)!;
    expect(() => shardFromEnv(w.env, Number(flag(w.args, '--shards')))).toThrow(/says 1 shards but --shards says 4/);
  });

  it('the job scripts are bash with #SBATCH directives and fail early without ZOO, DATA, CACHE', () => {
    for (const f of ['extract-array.sbatch', 'rank.sbatch']) {
      const text = readFileSync(join(repoRoot, 'deploy/slurm', f), 'utf8');
      expect(text.startsWith('#!/bin/bash\n')).toBe(true);
      expect(text).toMatch(/^#SBATCH --job-name=etran-/m);
      const c = cluster();
      const r = spawnSync('bash', [join(repoRoot, 'deploy/slurm', f)], { cwd: c.root, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/ZOO/);
    }
  });
});
