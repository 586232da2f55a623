/**
 * `etran rank`: the main job. Run a zoo of ONNX models on the user's target
 * data, extract features, score them (ETran and the baselines asked for) and
 * print the ranking.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { evaluateScores, type Evaluation } from '../../core/etran/correlation.js';
import { truthFromFile } from '../../core/etran/eval-files.js';
import { METRIC_NAMES, availableMetrics, isMetricName, type MetricName } from '../../core/etran/metrics.js';
import { RECOMMENDED_FORM } from '../../core/etran/recommended.js';
import { scoreModels, type ScoreResult } from '../../core/etran/score.js';
import { toModelFeatures } from '../../core/features/pipeline.js';
import { readJsonInput } from '../../core/io/files.js';
import { basename, extname } from 'node:path';
import { csvLine, formatNumber, rankIntervalBar, rankIntervalText, renderTable } from '../../ui/table.js';
import { action, color, info, interactive, print, printJson, warn, withJson } from '../common.js';
import { addRankingOptions, priorFor, readHistoryOption, type RankingCliOptions } from './ranking-options.js';
import { addExtractionOptions, extractionSummary, reportExtraction, reportShard, requireSomeFeatures, resolveShard, runExtraction, type ExtractionCliOptions } from './features.js';

interface RankCliOptions extends ExtractionCliOptions, RankingCliOptions {
  metrics?: string;
  rankBy?: string;
  csv?: boolean;
  truth?: string;
  truthKey?: string;
}

/** ETran and its components always; the baselines the user names; `all` = every metric the inputs allow. */
export function rankMetrics(requested: string | undefined, detection: boolean, withProbs: boolean): string[] | undefined {
  const base: MetricName[] = detection ? ['etran', 'energy', 'lda', 'regression'] : ['etran', 'energy', 'lda'];
  const asked = (requested ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (asked.includes('all')) return undefined; // scoreModels: every metric the inputs allow
  const available = availableMetrics();
  const wanted = [...base.filter((m) => available.includes(m)), ...asked];
  if (!withProbs) {
    const needProbs = asked.filter((m) => m === 'leep' || m === 'nce');
    if (needProbs.length > 0) throw new InputError(null, `--metrics ${needProbs.join(',')} needs the models' logits, which these features do not include`);
  }
  return [...new Set(wanted)];
}

/**
 * Scoring warns per model ("MODEL: metric: text"); a zoo of 13 models on one
 * small target repeats the same text 13 times. Identical texts are said once,
 * naming the models (or "all N models").
 */
export function groupWarnings(warnings: string[], names: string[]): string[] {
  const groups = new Map<string, string[]>();
  const order: string[] = [];
  for (const w of warnings) {
    const model = names.find((n) => w.startsWith(`${n}: `));
    const text = model ? w.slice(model.length + 2) : w;
    if (!groups.has(text)) groups.set(text, []), order.push(text);
    if (model) groups.get(text)!.push(model);
  }
  return order.map((text) => {
    const models = groups.get(text)!;
    if (models.length <= 1) return models.length === 1 ? `${models[0]}: ${text}` : text;
    return `${models.length === names.length ? `all ${names.length} models` : models.join(', ')}: ${text}`;
  });
}

function checkMetricNames(metrics: string | undefined, rankBy: string | undefined): void {
  const available = availableMetrics();
  for (const m of [...(metrics ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== 'all'), ...(rankBy ? [rankBy] : [])]) {
    if (!isMetricName(m)) throw new InputError(null, `unknown metric '${m}' (known: ${METRIC_NAMES.join(', ')}, all)`);
    if (!available.includes(m)) throw new InputError(null, `metric '${m}' is not available in this build`);
  }
}

async function readTruth(file: string, key?: string): Promise<Record<string, number>> {
  return truthFromFile((await readJsonInput(file)) as Parameters<typeof truthFromFile>[0], file, key);
}

/** The ranking's metric columns: recommended and ETran first, then ETran's components, then the rest in canonical order. */
function metricColumns(result: ScoreResult): string[] {
  const present = Object.keys(result.models[0]?.scores ?? {});
  const first = ['recommended', 'etran', 'energy', 'lda', 'regression'].filter((m) => present.includes(m));
  return [...first, ...METRIC_NAMES.filter((m) => present.includes(m) && !first.includes(m))];
}

export function register(program: Command): void {
  const cmd = program
    .command('rank')
    .summary('rank a zoo of ONNX models for your target data (classification or detection), no fine-tuning')
    .description(
      'Run every model of a zoo on your target images, take its features (the input of its last linear layer; for detectors, the named feature map pooled inside each ground-truth box), and rank the models by ETran (plus the baselines you ask for).',
    );
  addExtractionOptions(cmd, false);
  withJson(cmd)
    .option('--metrics <list>', `baselines to add to ETran and its components (comma-separated, or 'all'): ${METRIC_NAMES.filter((m) => !['etran', 'energy', 'lda', 'regression'].includes(m)).join(',')}`)
    .option('--rank-by <metric>', "metric that orders the ranking (default: recommended; 'etran' gives the paper's order)")
    .option('--csv', 'CSV on stdout instead of the table')
    .option('--truth <file>', '{"model": fine-tuned accuracy} map: adds weighted τ, Kendall τ, Pearson and top-1 regret per metric')
    .option('--truth-key <path>', 'dotted path to the map inside a nested --truth file');
  addRankingOptions(cmd, 200, 'the --data folder or file name')
    .addHelpText(
      'after',
      `
Examples:
  $ etran rank --zoo models/zoo/classification --data fixtures/targets/classification
  $ etran rank --zoo models/zoo/detection --data fixtures/targets/detection
  $ etran rank --zoo zoo/ --data train_list.csv --max-images 500 --seed 1 --metrics logme,leep,nce --json
  $ etran rank --zoo zoo/ --data images/ --truth finetuned_acc.json --csv > ranking.csv
  $ etran rank --data feats/           # features exported by \`etran features\`
  $ etran rank --zoo zoo/ --data images/ --history past_finetuning.csv --bootstrap 500
  $ etran rank --zoo zoo/ --data images/ --cache /shared/cache --shard auto --shards 16   # an array task
  $ etran rank --zoo zoo/ --data images/ --cache /shared/cache                            # the merge

Ranking: by \`recommended\` (${RECOMMENDED_FORM.components.join(' + ')} as normalised ranks, plus the
--history prior weighted H/(H + ${RECOMMENDED_FORM.kappa}) for a model with H past datasets), which
predicts fine-tuning better than ETran on our benchmark under leave-one-target-out
(README); ETran and its components are always shown. p(best) and the 90 % rank
interval come from --bootstrap resamples of the target images.

Zoo: *.onnx [+ zoo.json: task, input_size, layout, color, scale, mean, std, resize,
crop_pct, input, feature, logits, stride, image_feature; top-level keys apply to all
models, "models": {"STEM": {...}} to one]. Model names are the file stems.
A model whose feature layer cannot be found is reported with the zoo.json key that
fixes it and left out; the others are ranked.
Precomputed features (--data DIR from \`etran features\`): only the models its
manifest.json lists are used (a directory without one: every MODEL.npy, with a
warning); a model whose arrays are bad (rows ≠ labels, NaN/Inf) is reported and
left out, the others ranked (exit 1).
Shards (--shard I/N or auto): the run only fills --cache with its share of the
units (one model × --chunk-size images) and prints {"shard", "units", "done",
"failed"}; a plain rank with the same inputs afterwards ranks without inference.
Exit codes: 0 ok; 1 some model failed (the rest are ranked) or a failure while
working; 2 bad zoo, data or options.`,
    )
    .action(action(async (opts: RankCliOptions) => runRank(opts)));
}

async function runRank(opts: RankCliOptions): Promise<number> {
  if (opts.csv && opts.json) throw new InputError(null, '--csv and --json are exclusive');
  const shard = resolveShard(opts);
  if (shard) {
    // A shard ranks nothing: what would need the ranking is bad usage, said before any model runs.
    if (opts.truth !== undefined) throw new InputError(null, '--truth with --shard: a shard only fills the cache; give --truth to the plain rank that follows the shards');
    if (opts.csv) throw new InputError(null, '--csv with --shard: a shard only fills the cache and prints what it did (--json for JSON)');
    const result = await runExtraction(opts, undefined, shard);
    reportExtraction(result);
    return reportShard(result, shard, opts.json);
  }
  checkMetricNames(opts.metrics, opts.rankBy); // before minutes of extraction, not after
  const truth = opts.truth ? await readTruth(opts.truth, opts.truthKey) : null;
  const targetName = opts.targetName ?? basename(opts.data.replace(/[\\/]+$/, ''), extname(opts.data.replace(/[\\/]+$/, '')));
  // Read the history before extraction; the prior is computed once the models that ran are known.
  const historyRows = await readHistoryOption(opts.history);
  // Detectors give no class logits: LEEP/NCE are bad usage there, said before any model runs.
  const result = await runExtraction(opts, ({ task }) => void rankMetrics(opts.metrics, task === 'detection', task !== 'detection'));
  const models = toModelFeatures(result.features);
  const detection = result.dataset.task === 'detection';
  // Checked before the extraction's notes are printed, so bad usage stays one line.
  const metrics = rankMetrics(opts.metrics, detection, models.every((m) => m.sourceProbs));
  reportExtraction(result);
  requireSomeFeatures(result);
  const history = priorFor(historyRows, models.map((m) => m.name), targetName);
  // Scoring a large target takes a while (k-NN is O(N²·D) per model): say so, and count models on a terminal.
  info(`scoring ${models.length} model(s) on ${models[0]!.X.rows} ${detection ? 'boxes' : 'images'}${opts.bootstrap > 0 ? `, then ${opts.bootstrap} bootstrap resamples` : ''} …`);
  const tty = interactive();
  const scored = scoreModels(models, {
    metrics,
    rankBy: opts.rankBy,
    seed: opts.seed,
    history,
    bootstrap: opts.bootstrap,
    onModel: tty ? (i, n, name) => process.stderr.write(`\r\x1b[Kscoring ${i + 1}/${n}: ${name}`) : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  for (const w of groupWarnings(scored.warnings, scored.models.map((m) => m.name))) warn(w);

  let evaluation: Record<string, Evaluation> | undefined;
  if (truth) {
    evaluation = {};
    for (const metric of metricColumns(scored)) {
      const scores: Record<string, number> = {};
      for (const m of scored.models) if (m.scores[metric] !== null && m.scores[metric] !== undefined) scores[m.name] = m.scores[metric]!;
      try {
        evaluation[metric] = evaluateScores(scores, truth);
      } catch (err) {
        warn(`eval: ${metric}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  const extraction = extractionSummary(result);
  const failed = Object.fromEntries(result.failures.map((f) => [f.name, f.message]));
  const columns = metricColumns(scored);
  const byName = new Map(scored.models.map((m) => [m.name, m]));
  if (opts.json) {
    printJson({
      models: scored.models,
      ranking: scored.ranking,
      rank_by: scored.rankBy,
      task: result.dataset.task,
      extraction,
      skipped: { count: result.skipped.length, files: result.skipped },
      ...(Object.keys(failed).length > 0 ? { failed } : {}),
      ...(scored.bootstrap ? { bootstrap: scored.bootstrap } : {}),
      ...(scored.history ? { history: { target_name: targetName, ...scored.history } } : {}),
      ...(evaluation ? { eval: evaluation } : {}),
    });
  } else if (opts.csv) {
    const boot = scored.bootstrap !== undefined;
    print(csvLine(['rank', 'model', ...columns, ...(boot ? ['p_best', 'rank_lo', 'rank_hi'] : []), 'n', 'd', 'images_per_s', 'cached']));
    scored.ranking.forEach((name, i) => {
      const m = byName.get(name)!;
      const conf = boot ? [m.p_best!, m.rank_interval![0], m.rank_interval![1]] : [];
      print(csvLine([i + 1, name, ...columns.map((c) => m.scores[c] ?? null), ...conf, m.n, m.d, extraction[name]?.images_per_s ?? null, String(extraction[name]?.cached ?? false)]));
    });
  } else {
    const boot = scored.bootstrap !== undefined;
    const header = ['#', 'model', ...columns, ...(boot ? ['p(best)', 'rank 90 %', ''] : []), 'N', 'D', 'img/s'];
    const rows = scored.ranking.map((name, i) => {
      const m = byName.get(name)!;
      const ex = extraction[name];
      const conf = boot ? [m.p_best!.toFixed(2), rankIntervalText(...m.rank_interval!), rankIntervalBar(...m.rank_interval!, scored.models.length)] : [];
      return [String(i + 1), name, ...columns.map((c) => formatNumber(m.scores[c])), ...conf, String(m.n), String(m.d), ex?.cached ? 'cached' : ex?.images_per_s != null ? ex.images_per_s.toFixed(1) : '-'];
    });
    const rankCol = 2 + columns.indexOf(scored.rankBy ?? 'etran');
    for (const line of renderTable(header, rows, (c, r, j) => (r < 0 ? color.bold(j === rankCol ? color.cyan(c) : c) : j === rankCol ? color.cyan(c) : r === 0 && j === 1 ? color.green(c) : c))) print(line);
    const n = result.features[0]!;
    print(color.dim(`${result.dataset.task}: ${n.rows} ${result.dataset.task === 'detection' ? 'boxes' : 'images'}, ranked by ${scored.rankBy} (higher is better); extraction ${result.seconds.toFixed(1)} s`));
    if (scored.bootstrap) print(color.dim(`p(best), rank 90 %: ${scored.bootstrap.n} stratified resamples of the ${result.dataset.task === 'detection' ? 'boxes' : 'images'} (--seed ${scored.bootstrap.seed}), recomputing ${scored.bootstrap.recomputed.join(', ') || 'nothing'}`));
    if (scored.history) print(color.dim(`history: ${scored.history.datasets.length} past dataset(s) (target '${targetName}' excluded), ${scored.history.models_with_history} of ${scored.models.length} models with a record`));
    if (evaluation) {
      print('');
      const evRows = Object.entries(evaluation).map(([metric, e]) => [metric, '', formatNumber(e.weighted_tau), formatNumber(e.kendall_tau), formatNumber(e.pearson), formatNumber(e.top1_regret), String(e.n)]);
      for (const line of renderTable(['metric', '', 'weighted τ', 'Kendall τ', 'Pearson', 'top-1 regret', 'models'], evRows)) print(line);
    }
  }
  return result.failures.length > 0 ? 1 : 0;
}
