/**
 * In-process time of each metric of the `etran score` benchmark, in the order
 * the CLI computes them (so later metrics reuse the centred scatter XᵀX that
 * the first one to need it computed, exactly as in a CLI run).
 * Usage: node --import tsx bench/etran-score-breakdown.ts X.npy y.npy energy,lda,logme,hscore,sfda
 * Prints one JSON object {load_s, metrics: {name: {value, seconds}}}.
 */
import { readLabelsFile, readMatrixFile } from '../src/core/etran/features-file.js';
import { perModelMetric } from '../src/core/etran/metrics.js';

const [xPath, yPath, list] = process.argv.slice(2);
if (!xPath || !yPath || !list) {
  console.error('usage: etran-score-breakdown.ts X.npy y.npy metric,metric,…');
  process.exit(2);
}
const t0 = performance.now();
const labels = await readLabelsFile(yPath);
const { matrix: X } = await readMatrixFile(xPath, 'features');
const out: { load_s: number; metrics: Record<string, { value: number; seconds: number; cpu_seconds: number }> } = { load_s: (performance.now() - t0) / 1000, metrics: {} };
for (const name of list.split(',')) {
  const metric = perModelMetric(name);
  if (!metric) throw new Error(`unknown metric ${name}`);
  const t = performance.now();
  const c = process.cpuUsage(); // whole process, worker threads included
  const r = metric.compute({ name: 'bench', X, labels }, {}, { seed: 0 });
  const dc = process.cpuUsage(c);
  out.metrics[name] = { value: r.value, seconds: (performance.now() - t) / 1000, cpu_seconds: (dc.user + dc.system) / 1e6 };
}
console.log(JSON.stringify(out));
