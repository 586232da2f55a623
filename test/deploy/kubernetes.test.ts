/**
 * Issue 18: the Kubernetes example of deploy/kubernetes/ is checked as far as
 * this machine can: its YAML is read (by a small reader for the block subset
 * these files use; no YAML library is a dependency) and its required fields
 * tested; the Dockerfile is two stages that ship `npm ci --omit=dev`, dist/
 * and .npmrc; and the exact etran arguments of both Jobs are run in process
 * on a fixture zoo (paths on the volumes swapped for fixtures), one run per
 * completion index, then the rank Job's command, which must run nothing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/cli.js';

type Yaml = string | Yaml[] | { [key: string]: Yaml };

/** Documents of a YAML file written in block style: mappings, sequences, plain or quoted scalars, # comments, ---. */
function readYaml(text: string): Yaml[] {
  return text
    .split(/^---\s*$/m)
    .map((doc) =>
      doc
        .split('\n')
        .map((l) => l.replace(/(^|\s)#.*$/, '').trimEnd())
        .filter((l) => l.trim() !== '')
        .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() })),
    )
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const pos = { i: 0 };
      const v = block(lines, pos, lines[0]!.indent);
      if (pos.i !== lines.length) throw new Error(`YAML: unexpected line '${lines[pos.i]!.text}'`);
      return v;
    });
}

type Line = { indent: number; text: string };
const scalar = (s: string): string => (/^(['"]).*\1$/.test(s) ? s.slice(1, -1) : s);

function block(lines: Line[], pos: { i: number }, indent: number): Yaml {
  if (lines[pos.i]!.text.startsWith('- ') || lines[pos.i]!.text === '-') {
    const out: Yaml[] = [];
    while (pos.i < lines.length && lines[pos.i]!.indent === indent && lines[pos.i]!.text.startsWith('-')) {
      const rest = lines[pos.i]!.text.slice(1).trimStart();
      if (/^[^'"\s][^:]*:(\s|$)/.test(rest)) {
        // "- key: value" opens a mapping whose keys sit at the column after "- ".
        lines[pos.i] = { indent: indent + 2, text: rest };
        out.push(block(lines, pos, indent + 2));
      } else {
        pos.i++;
        out.push(scalar(rest));
      }
    }
    return out;
  }
  const out: { [key: string]: Yaml } = {};
  while (pos.i < lines.length && lines[pos.i]!.indent === indent) {
    const m = /^([^:]+):(?:\s+(.*))?$/.exec(lines[pos.i]!.text);
    if (!m) throw new Error(`YAML: expected "key: value", got '${lines[pos.i]!.text}'`);
    pos.i++;
    if (m[2] !== undefined) out[m[1]!] = scalar(m[2]);
    else {
      const next = lines[pos.i];
      if (!next || next.indent < indent || (next.indent === indent && !next.text.startsWith('-'))) out[m[1]!] = '';
      else out[m[1]!] = block(lines, pos, next.indent);
    }
  }
  return out;
}

const dir = join(repoRoot, 'deploy/kubernetes');
const doc = (file: string) => readYaml(readFileSync(join(dir, file), 'utf8'));
/** The value at a dotted path (numbers index lists). */
const at = (v: Yaml, path: string): Yaml => path.split('.').reduce<Yaml>((o, k) => (Array.isArray(o) ? o[Number(k)]! : (o as Record<string, Yaml>)[k]!), v);
/** The value after `flag` in an argument list. */
const flag = (args: string[], name: string): string | undefined => args[args.indexOf(name) + 1];

const inProcess = (args: string[], env: Record<string, string> = {}) => runCliInProcess('etran', args, { env });

describe('deploy/kubernetes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the reader reads block YAML', () => {
    expect(readYaml('a: 1\nb:\n  - x\n  - "y z"\n  - k: v\n    l: w\nc:\n  d: e # note\n---\nf: g\n')).toEqual([{ a: '1', b: ['x', 'y z', { k: 'v', l: 'w' }], c: { d: 'e' } }, { f: 'g' }]);
  });

  it('volumes: two ReadWriteMany claims; the extraction Job is Indexed with --shards equal to its completions, on the shared cache', () => {
    const claims = doc('volumes.yaml');
    expect(claims.map((c) => [at(c, 'kind'), at(c, 'metadata.name'), at(c, 'spec.accessModes.0')])).toEqual([
      ['PersistentVolumeClaim', 'etran-inputs', 'ReadWriteMany'],
      ['PersistentVolumeClaim', 'etran-cache', 'ReadWriteMany'],
    ]);
    const [job] = doc('extract-job.yaml');
    expect([at(job!, 'apiVersion'), at(job!, 'kind'), at(job!, 'spec.completionMode')]).toEqual(['batch/v1', 'Job', 'Indexed']);
    const completions = at(job!, 'spec.completions') as string;
    expect(at(job!, 'spec.parallelism')).toBe(completions);
    expect(at(job!, 'spec.template.spec.restartPolicy')).toBe('Never');
    const container = at(job!, 'spec.template.spec.containers.0');
    const args = at(container, 'args') as string[];
    expect(args[0]).toBe('features');
    expect(flag(args, '--shard')).toBe('auto');
    expect(flag(args, '--shards')).toBe(completions);
    const mounts = at(container, 'volumeMounts') as Array<Record<string, string>>;
    const volumes = at(job!, 'spec.template.spec.volumes') as Array<Record<string, Yaml>>;
    const claimOf = (path: string) => {
      const mount = mounts.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`))!;
      return at(volumes.find((v) => v.name === mount.name)!, 'persistentVolumeClaim.claimName');
    };
    expect(claimOf(flag(args, '--cache')!)).toBe('etran-cache');
    expect(claimOf(flag(args, '--zoo')!)).toBe('etran-inputs');
    expect(claimOf(flag(args, '--data')!)).toBe('etran-inputs');
  });

  it('the rank Job reads the same zoo, data, cache and chunk size, without --shard', () => {
    const [extract] = doc('extract-job.yaml');
    const [rank] = doc('rank-job.yaml');
    expect(at(rank!, 'kind')).toBe('Job');
    const xc = at(extract!, 'spec.template.spec.containers.0');
    const rc = at(rank!, 'spec.template.spec.containers.0');
    expect(at(rc, 'image')).toBe(at(xc, 'image'));
    const command = at(rc, 'command') as string[];
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    const rankArgs = command[2]!.split(' > ')[0]!.split(/\s+/);
    expect(rankArgs.slice(0, 3)).toEqual(['node', '/app/bin/etran.js', 'rank']);
    const xArgs = at(xc, 'args') as string[];
    for (const f of ['--zoo', '--data', '--cache', '--chunk-size']) expect(flag(rankArgs, f), f).toBe(flag(xArgs, f));
    expect(rankArgs).not.toContain('--shard');
  });

  it('Dockerfile: builds with dev dependencies, ships npm ci --omit=dev, dist/, bin/ and .npmrc; every copied path exists', () => {
    const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    const stages = text.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/ AS build\n/);
    expect(stages[0]).toMatch(/^RUN npm ci$/m);
    expect(stages[0]).toMatch(/^RUN npm run build$/m);
    expect(stages[1]).toMatch(/^RUN npm ci --omit=dev/m);
    expect(stages[1]).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    for (const s of stages) expect(s).toMatch(/^COPY package\.json package-lock\.json \.npmrc \.\/$/m);
    expect(stages[1]).toMatch(/^ENTRYPOINT \["node", "\/app\/bin\/etran\.js"\]$/m);
    const sources = [...text.matchAll(/^COPY (?!--from)(.*) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    for (const s of sources) expect(existsSync(join(repoRoot, s)), s).toBe(true);
  });

  it('the Jobs\' exact arguments run: one shard per completion index, then the rank from the cache alone', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'etran-k8s-cache-'));
    const swap = (a: string) => a.replace('/inputs/zoo', join(repoRoot, 'fixtures/rank/zoo-cls')).replace('/inputs/target', join(repoRoot, 'fixtures/rank/images')).replace(/^\/cache$/, cache);
    const [extract] = doc('extract-job.yaml');
    const args = (at(extract!, 'spec.template.spec.containers.0.args') as string[]).map(swap);
    const completions = Number(at(extract!, 'spec.completions'));
    let units = 0;
    for (let i = 0; i < completions; i++) {
      const r = await inProcess(args, { JOB_COMPLETION_INDEX: String(i) });
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { shard: string; units: number; failed: number };
      expect(j.shard).toBe(`${i}/${completions}`);
      expect(j.failed).toBe(0);
      units += j.units;
    }
    expect(units).toBe(3); // 3 models × one chunk of 24 images
    const [rank] = doc('rank-job.yaml');
    const rankArgs = (at(rank!, 'spec.template.spec.containers.0.command.2') as string).split(' > ')[0]!.split(/\s+/).slice(2).map(swap);
    const r = await inProcess(rankArgs);
    expect(r.code).toBe(0);
    const ranking = JSON.parse(r.stdout) as { ranking: string[]; extraction: Record<string, { cached: boolean }> };
    expect(ranking.ranking).toHaveLength(3);
    expect(Object.values(ranking.extraction).every((e) => e.cached)).toBe(true);
  });
});
