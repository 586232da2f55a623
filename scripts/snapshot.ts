/**
 * Records what the two CLIs print, so that a change meant to keep behaviour
 * (a restructure) can show it did: record before, record after, `diff -r`.
 *
 *   npm run build && npx tsx scripts/snapshot.ts --out DIR [--only describe,ask,find,etran,eval,nl]
 *                                              [--real training/out/real] [--jobs 2]
 *
 * Groups (each file DIR/GROUP/ID.json = {argv, exit, stdout, stderr}; stdout is
 * parsed when it is JSON):
 *   describe  `archbert describe FILE --json` on every model under fixtures/models,
 *             fixtures/reference and fixtures/graphs (plus the text form for fixtures/models)
 *   ask       `archbert ask MODEL Q --json` for every question of the NL eval sets
 *   find      `archbert find Q --in REAL --json` for every query of the NL eval sets
 *   etran     `etran rank --json --no-cache` on both demo zoos, then `etran score --json`
 *             on features written by `etran features` (all metrics, with a bootstrap)
 *   eval      `archbert eval --json`
 *   nl        the NL-set scoring scripts (fixtures/nl-eval/score*.ts --json)
 * ask, find and nl need the real gallery (training/out/real, made by
 * training/archbert/export_real.py); they are skipped with a warning without it.
 *
 * Fields that depend on the clock or on the cache (seconds, images_per_s,
 * cached) are dropped, and temporary paths are replaced by <TMP>.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

interface Case {
  group: string;
  id: string;
  argv: string[];
}

const args = process.argv.slice(2);
const opt = (k: string): string | undefined => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
const outDir = opt('--out');
if (!outDir) {
  console.error('usage: npx tsx scripts/snapshot.ts --out DIR [--only GROUPS] [--real DIR] [--jobs N]');
  process.exit(2);
}
const only = new Set((opt('--only') ?? 'describe,ask,find,etran,eval,nl').split(','));
const realDir = resolve(opt('--real') ?? 'training/out/real');
const jobs = Number(opt('--jobs') ?? 2);
const tmp = mkdtempSync(join(tmpdir(), 'snapshot-'));
const ARCHBERT = ['node', 'bin/archbert.js'];
const ETRAN = ['node', 'bin/etran.js'];
const TSX = ['node', '--import', 'tsx'];
// fields that depend on the clock or on the cache
const VOLATILE = new Set(['seconds', 'images_per_s', 'cached']);

const readJsonl = (f: string): Array<Record<string, unknown>> =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const nlSets = ['fixtures/nl-eval', ...[2, 3, 4, 5, 6, 7, 8].map((i) => `fixtures/nl-eval/set${i}`)];
const setName = (dir: string) => (dir === 'fixtures/nl-eval' ? 'set1' : basename(dir));
const modelFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.onnx$|\.json$/.test(f) && !/^(reference|expected|index)\.json$/.test(f) && !/\.keras\.json$/.test(f))
    .sort()
    .map((f) => join(dir, f));

function cases(): Case[] {
  const out: Case[] = [];
  if (only.has('describe')) {
    for (const dir of ['fixtures/models', 'fixtures/reference', 'fixtures/graphs'])
      for (const f of modelFiles(dir)) {
        const id = `${basename(dir)}__${basename(f)}`;
        out.push({ group: 'describe', id, argv: [...ARCHBERT, 'describe', f, '--json'] });
        if (dir === 'fixtures/models') out.push({ group: 'describe', id: `${id}.text`, argv: [...ARCHBERT, 'describe', f] });
      }
  }
  const haveReal = existsSync(join(realDir, 'index.json'));
  if (!haveReal && (only.has('ask') || only.has('find') || only.has('nl'))) console.error(`warning: ${realDir} has no exported gallery: ask, find and nl skipped`);
  if (haveReal && only.has('ask'))
    for (const dir of nlSets)
      readJsonl(join(dir, 'questions.jsonl')).forEach((q, i) =>
        out.push({ group: 'ask', id: `${setName(dir)}-${String(i).padStart(3, '0')}`, argv: [...ARCHBERT, 'ask', join(realDir, `${String(q.model)}.onnx`), String(q.question), '--json'] }),
      );
  if (haveReal && only.has('find'))
    for (const dir of nlSets)
      readJsonl(join(dir, 'queries.jsonl')).forEach((q, i) =>
        out.push({ group: 'find', id: `${setName(dir)}-${String(i).padStart(3, '0')}`, argv: [...ARCHBERT, 'find', String(q.query), '--in', realDir, '--top', '10', '--json'] }),
      );
  if (only.has('eval')) out.push({ group: 'eval', id: 'eval', argv: [...ARCHBERT, 'eval', '--json'] });
  if (haveReal && only.has('nl')) {
    out.push({ group: 'nl', id: 'set1', argv: [...TSX, 'fixtures/nl-eval/score.ts', '--real', realDir, '--json'] });
    for (const dir of nlSets.slice(1)) out.push({ group: 'nl', id: setName(dir), argv: [...TSX, 'fixtures/nl-eval/score-set.ts', '--set', dir, '--real', realDir, '--json'] });
  }
  return out;
}

/** The etran cases run in order: features are written first, then scored. */
function etranCases(): Case[][] {
  const zoos = [
    ['cls', 'models/zoo/classification', 'fixtures/targets/classification'],
    ['det', 'models/zoo/detection', 'fixtures/targets/detection'],
  ];
  const first: Case[] = [];
  const second: Case[] = [];
  for (const [name, zoo, data] of zoos) {
    first.push({ group: 'etran', id: `rank-${name}`, argv: [...ETRAN, 'rank', '--zoo', zoo!, '--data', data!, '--no-cache', '--json'] });
    first.push({ group: 'etran', id: `rank-${name}-all`, argv: [...ETRAN, 'rank', '--zoo', zoo!, '--data', data!, '--no-cache', '--metrics', 'all', '--bootstrap', '50', '--seed', '3', '--json'] });
    first.push({ group: 'etran', id: `rank-${name}-text`, argv: [...ETRAN, 'rank', '--zoo', zoo!, '--data', data!, '--no-cache'] });
  }
  const feats = join(tmp, 'features-cls');
  first.push({ group: 'etran', id: 'features-cls', argv: [...ETRAN, 'features', '--zoo', zoos[0]![1]!, '--data', zoos[0]![2]!, '--no-cache', '--out', feats] });
  // score reads what features wrote: file names are listed when the second stage starts
  second.push({ group: 'etran', id: 'score-cls-all', argv: ['@score', feats, 'all', '--bootstrap', '40'] });
  second.push({ group: 'etran', id: 'score-cls-default', argv: ['@score', feats] });
  second.push({ group: 'etran', id: 'score-cls-one', argv: ['@score', feats, 'energy,lda,etran,logme,probe'] });
  return [first, second];
}

/** `@score DIR [METRICS] [...rest]`: etran score on every model's features under DIR. */
function expandScore(c: Case): Case {
  if (c.argv[0] !== '@score') return c;
  const [, dir, metrics, ...rest] = c.argv;
  const names = readdirSync(dir!)
    .filter((f) => f.endsWith('.npy') && !f.endsWith('.probs.npy'))
    .sort()
    .map((f) => basename(f, '.npy'));
  // `etran features` writes labels.json; score reads a text file of one label per line
  const labels = join(dir!, 'labels.txt');
  if (!existsSync(labels)) writeFileSync(labels, `${(JSON.parse(readFileSync(join(dir!, 'labels.json'), 'utf8')) as { labels: string[] }).labels.join('\n')}\n`);
  const argv = [...ETRAN, 'score', ...names.map((n) => `${n}=${join(dir!, `${n}.npy`)}`), '--labels', labels, '--json', ...rest];
  for (const n of names) argv.push('--source-probs', `${n}=${join(dir!, `${n}.probs.npy`)}`);
  if (metrics) argv.push('--metrics', metrics);
  return { ...c, argv };
}

function scrub(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(scrub);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!VOLATILE.has(k)) o[k] = scrub(x);
    return o;
  }
  if (typeof v === 'string')
    return v
      .split(tmp)
      .join('<TMP>')
      .split('\n')
      .filter((l) => !/img\/s|ETA \d/.test(l)) // progress lines carry the clock
      .join('\n');
  return v;
}

function run(c: Case): Promise<void> {
  return new Promise((done) => {
    execFile(c.argv[0]!, c.argv.slice(1), { maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (err, stdout, stderr) => {
      const exit = err ? ((err as { code?: number }).code ?? 1) : 0;
      let parsed: unknown = stdout;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        /* text output is kept as text */
      }
      // the text table of `etran rank` ends each row with images/s, and says how long extraction took
      if (typeof parsed === 'string' && c.argv.includes('rank')) parsed = parsed.replace(/ +\d+(?:\.\d+)?$/gm, ' <img/s>').replace(/extraction \d+(?:\.\d+)? s/g, 'extraction <s>');
      const record = scrub({ argv: c.argv, exit, stdout: parsed, stderr });
      const dir = join(outDir!, c.group);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${c.id}.json`), `${JSON.stringify(record, null, 1)}\n`);
      done();
    });
  });
}

async function pool(list: Case[]): Promise<void> {
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < list.length) {
      const c = list[next++]!;
      await run(expandScore(c));
      if (++finished % 50 === 0) console.error(`  ${finished}/${list.length}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
}

async function main(): Promise<void> {
  rmSync(outDir!, { recursive: true, force: true });
  mkdirSync(outDir!, { recursive: true });
  if (only.has('etran')) {
    console.error('etran …');
    for (const stage of etranCases()) await pool(stage);
  }
  const list = cases();
  console.error(`${list.length} archbert cases …`);
  // eval and the NL scorers are long: start them first so the pool stays busy
  list.sort((a, b) => Number(['eval', 'nl'].includes(b.group)) - Number(['eval', 'nl'].includes(a.group)));
  await pool(list);
  rmSync(tmp, { recursive: true, force: true });
  console.error(`snapshot written to ${outDir}`);
}

void main();
