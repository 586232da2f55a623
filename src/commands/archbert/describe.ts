/**
 * `archbert describe <model> [--facts] [--json] [--input-shape name=1x3x224x224]`
 *
 * Prints the exact architecture facts of a model file. Without --facts it
 * prints the same facts for now (the learned description comes with the
 * trained ArchBERT model).
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { describeFacts } from '../../core/graph/analyze.js';
import type { ArchFacts, Dim } from '../../core/graph/types.js';
import { keyIdeas } from '../../core/graph/ideas/key-ideas.js';
import { action, color, parsePositiveInt, print, printJson, warn, withJson } from '../common.js';
import { flushModelMessages, modelSetFor, withModelOptions } from './model-options.js';

/** Generated description + claim check; null (with a warning) when no trained set is installed. */
async function learnedSummary(model: string, opts: DescribeOptions) {
  const { existsSync } = await import('node:fs');
  const { defaultModelDir } = await import('../../core/archbert/model/model-set.js');
  const dir = opts.models ?? defaultModelDir();
  if (!opts.models && !existsSync(`${dir}/manifest.json`)) {
    warn(`no trained ArchBERT set in ${dir}: showing the exact facts only (summary is null)`);
    return null;
  }
  const set = modelSetFor({ models: opts.models, device: opts.device });
  const { analyzeModelFile } = await import('../../core/archbert/facts/model-file.js');
  const { encodeArchitecture } = await import('../../core/archbert/model/embed.js');
  const { describeChecked, ideasSentence } = await import('../../core/archbert/describe.js');
  const m = await analyzeModelFile(model);
  const enc = await encodeArchitecture(set, m.opGraph, m.facts.blocks);
  const checked = await describeChecked(set, enc, m.summary, opts.beam, opts.widen !== false);
  flushModelMessages(set);
  // The checked learned sentences, then the design ideas the facts found (a sentence that cannot be wrong).
  const ideas = ideasSentence(m.facts.ideas, m.facts.family.guess);
  return { summary: [checked.summary, ideas].filter(Boolean).join(' '), flags: checked.flags.map((f) => ({ sentence: f.sentence, claim: f.claim, facts: f.facts, action: f.action })) };
}

/**
 * Widest --beam accepted. Each decoding step runs the caption decoder once per live
 * hypothesis, so time and memory grow with the width; captions stop changing well
 * before 32 (the automatic retries use 8 and 16), and 100,000 ran for minutes
 * with no output.
 */
export const MAX_BEAM = 32;

/** --beam: a positive integer no wider than MAX_BEAM (commander turns the throw into exit 2). */
function parseBeam(value: string): number {
  const n = parsePositiveInt(value);
  if (n > MAX_BEAM) {
    throw Object.assign(new Error(`--beam ${n} is too wide: at most ${MAX_BEAM}`), { code: 'commander.invalidArgument' });
  }
  return n;
}

interface DescribeOptions {
  facts?: boolean;
  beam?: number;
  /** --no-widen: keep the first beam even when the facts contradict its best hypothesis. */
  widen?: boolean;
  models?: string;
  device?: 'auto' | 'cpu' | 'cuda';
  json?: boolean;
  inputShape?: string[];
}

export function register(program: Command): void {
  const cmd = program
    .command('describe')
    .description('describe a model file: parameters, MACs, depth, op inventory, blocks, task and family, from the exact graph facts')
    .argument('<model>', 'model file: .onnx, Keras / TF.js model.json, or archbert native graph JSON')
    .option('--facts', 'print only the exact facts (no learned description; needs no trained model)')
    .option('--beam <width>', `beam width of the learned description (1 to ${MAX_BEAM})`, parseBeam, 4)
    .option('--no-widen', 'do not retry with a beam of 8 when the facts contradict a sentence of every hypothesis (and of 16 when not one sentence survives)')
    .option(
      '--input-shape <name=dims>',
      'shape for a graph input, e.g. input=1x3x224x224 (repeatable; a bare 1x3x224x224 applies to the only input)',
      (v: string, prev: string[] = []) => [...prev, v],
    );
  withModelOptions(cmd);
  withJson(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ archbert describe fixtures/models/resnet50.onnx
  $ archbert describe resnet50.onnx --json | jq .summary,.flags
  $ archbert describe model.onnx --facts --json | jq .params
  $ archbert describe bert.onnx --input-shape input_ids=1x128 --input-shape attention_mask=1x128
  $ archbert describe tfjs_model/model.json --json

Symbolic input dims (e.g. a dynamic batch) are replaced by an assumed value
(batch = 1, image 3x224x224, sequence 128) and the assumption is listed in
"notes"; --input-shape overrides it. MACs count matrix products only (conv,
linear, matmul, einsum, attention, recurrent), not elementwise ops, norms or
pooling.`,
  );
  cmd.action(
    action(async (model: string, opts: DescribeOptions) => {
      const inputShapes = parseInputShapes(opts.inputShape ?? []);
      const facts = await describeFacts(model, { inputShapes });
      if (opts.facts) {
        if (opts.json) printJson(facts);
        else printFacts(facts);
        return;
      }
      // The learned description, every claim checked against the facts (src/core/archbert/describe.ts).
      const learned = await learnedSummary(model, opts);
      if (opts.json) printJson({ ...facts, summary: learned?.summary ?? null, flags: learned?.flags ?? [] });
      else {
        if (learned) {
          print(color.bold('summary'));
          print(`  ${learned.summary || '(every generated sentence contradicted the facts; see flags)'}`);
          for (const f of learned.flags) print(color.yellow(`  ${f.action}: "${f.claim}" in "${f.sentence}" (facts: ${f.facts})`));
          print();
        }
        printFacts(facts);
      }
    }),
  );
}

/** "name=1x3x224x224" (or a bare "1x3x224x224", keyed '*' = the only input) → shapes. */
export function parseInputShapes(specs: string[]): Record<string, number[]> | undefined {
  if (!specs.length) return undefined;
  const out: Record<string, number[]> = Object.create(null); // keyed by input names the user typed
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const name = eq >= 0 ? spec.slice(0, eq) : '*';
    const dims = (eq >= 0 ? spec.slice(eq + 1) : spec).split(/[x,×]/).map((d) => Number(d.trim()));
    if (!name || dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new InputError(null, `--input-shape '${spec}': expected name=1x3x224x224 (positive integer dims)`);
    }
    out[name] = dims;
  }
  return out;
}

function human(n: number, units: Array<[number, string]>): string {
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toFixed(n / v >= 100 ? 1 : 2)}${u}`;
  return String(n);
}
export const formatCount = (n: number) => human(n, [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']]);
export const formatMacs = (n: number) => human(n, [[1e9, 'G'], [1e6, 'M'], [1e3, 'K']]);
const shapeStr = (s: Dim[] | null) => (s ? s.map((d) => (d === null ? '?' : String(d))).join('x') : '?');

function printFacts(f: ArchFacts): void {
  const h = (s: string) => color.bold(s);
  print(`${h(f.file)}  (${f.format})`);
  print();
  print(`${h('inputs')}   ${f.inputs.map((i) => `${i.name} ${shapeStr(i.shape)} ${i.dtype}`).join(', ') || '-'}`);
  print(`${h('outputs')}  ${f.outputs.map((o) => `${o.name} ${shapeStr(o.shape)} ${o.dtype}`).join(', ') || '-'}`);
  print(
    `${h('params')}   ${formatCount(f.params.total)} total = ${formatCount(f.params.trainable)} trainable (${f.params.trainable.toLocaleString('en-US')}) + ${formatCount(f.params.buffers)} buffers (${f.params.buffers.toLocaleString('en-US')})`,
  );
  const lowerBound = f.notes?.some((n) => n.startsWith('MACs are a lower bound')) ? ', lower bound: see notes' : '';
  print(`${h('MACs')}     ${f.macs === null ? 'unknown (see notes)' : `${formatMacs(f.macs)} (${f.macs.toLocaleString('en-US')}${lowerBound})`}`);
  print(`${h('depth')}    ${f.depth} weighted layers on the longest path`);
  print();
  print(h('ops'));
  const byCat = f.params.by_category ?? {};
  const rows = Object.entries(f.ops);
  const w = Math.max(8, ...rows.map(([k]) => k.length));
  for (const [k, v] of rows) {
    const p = byCat[k] ? `  ${formatCount(byCat[k]!).padStart(8)} params` : '';
    print(`  ${k.padEnd(w)} ${String(v).padStart(5)}${p}`);
  }
  print();
  const blocks = Object.entries(f.blocks).filter(([, v]) => v > 0);
  print(`${h('blocks')}       ${blocks.length ? blocks.map(([k, v]) => `${k.replace(/_/g, ' ')} ×${v}`).join(', ') : 'none found'}`);
  print(`${h('activations')}  ${f.activations.join(', ') || '-'}`);
  print(`${h('norms')}        ${f.norms.join(', ') || '-'}`);
  print(`${h('kernels')}      ${f.kernel_sizes.join(', ') || '-'}`);
  // The design ideas in key order (the most characteristic first), as the summary names them.
  const ideas = keyIdeas(f.ideas ?? {}, f.family.guess).map((id) => `${id.replace(/_/g, ' ')}${f.ideas[id]!.count !== null ? ` ×${f.ideas[id]!.count}` : ''}`);
  print(`${h('ideas')}        ${ideas.join(', ') || 'none found'}`);
  print();
  print(`${h('task')}     ${f.task.guess}`);
  for (const e of f.task.evidence) print(`  - ${e}`);
  print(`${h('family')}   ${f.family.guess ?? 'unknown'}`);
  for (const e of f.family.evidence) print(`  - ${e}`);
  if (f.notes?.length) {
    print();
    print(h('notes'));
    for (const n of f.notes) print(`  - ${n}`);
  }
}
