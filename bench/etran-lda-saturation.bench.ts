/**
 * Does a remedy for the saturation of S_cls ("lda") at 1.0 help? A measurement
 * on synthetic model zoos where the right ranking is known.
 *
 * Each zoo: 8 "models" give features for the same N = 600 target samples of
 * C = 10 classes, D = 512: x = s_m·(sep_m·μ_y + ε), with class separation
 * sep_m = 0.05…0.30 (the truth: larger = more transferable) and a model-specific
 * feature scale s_m drawn from 5…50 (high-norm features, as backbones give).
 * In 512 dimensions those classes are nearly always separable in-sample, so the
 * official score saturates at 1 for most models and the ranking collapses into
 * ties. For each option the bench reports, over 20 zoos: the share of saturated
 * scores (> 1 − 1e−6) and Kendall τ-b between scores and sep_m.
 *
 * Run: npx tsx bench/etran-lda-saturation.bench.ts (a few seconds).
 */
import { lda, type LdaNormalize } from '../src/core/etran/lda.js';
import type { Labels, Matrix } from '../src/core/etran/types.js';
import { normals } from './normals.js';

/** Kendall τ-b. */
function kendallTauB(a: number[], b: number[]): number {
  let conc = 0, disc = 0, tieA = 0, tieB = 0;
  for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) {
    const da = Math.sign(a[i]! - a[j]!), db = Math.sign(b[i]! - b[j]!);
    if (da === 0 && db === 0) continue;
    if (da === 0) tieA++;
    else if (db === 0) tieB++;
    else if (da === db) conc++;
    else disc++;
  }
  const den = Math.sqrt((conc + disc + tieA) * (conc + disc + tieB));
  return den === 0 ? NaN : (conc - disc) / den;
}

const N = 600, D = 512, C = 10, MODELS = 8, ZOOS = 20;
const options: LdaNormalize[] = ['none', 'pooled-variance', 'l2'];
const stats = new Map(options.map((o) => [o, { saturated: 0, total: 0, tau: [] as number[] }]));
for (let z = 0; z < ZOOS; z++) {
  const g = normals(1000 + z);
  const ids = Int32Array.from({ length: N }, (_, i) => i % C);
  const y: Labels = { ids, numClasses: C, names: Array.from({ length: C }, (_, i) => String(i)) };
  const seps = Array.from({ length: MODELS }, (_, m) => 0.05 + (0.25 * m) / (MODELS - 1));
  const scores = new Map(options.map((o) => [o, [] as number[]]));
  for (let m = 0; m < MODELS; m++) {
    const scale = 5 + 45 * Math.abs(g()) / 3;
    const mu = Float64Array.from({ length: C * D }, g);
    const data = new Float64Array(N * D);
    for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) data[i * D + j] = scale * (seps[m]! * mu[ids[i]! * D + j]! + g());
    const X: Matrix = { rows: N, cols: D, data };
    for (const o of options) scores.get(o)!.push(lda(X, y, { normalize: o }).value);
  }
  for (const o of options) {
    const s = scores.get(o)!;
    const st = stats.get(o)!;
    st.saturated += s.filter((v) => v > 1 - 1e-6).length;
    st.total += s.length;
    st.tau.push(kendallTauB(s, seps));
  }
}
console.log(`S_cls saturation: ${ZOOS} zoos × ${MODELS} models, N=${N} D=${D} C=${C}`);
console.log('normalize          saturated   Kendall τ-b vs truth (mean, min)');
for (const o of options) {
  const st = stats.get(o)!;
  const taus = st.tau.filter((t) => Number.isFinite(t));
  const mean = taus.reduce((a, b) => a + b, 0) / Math.max(1, taus.length);
  console.log(`${o.padEnd(18)} ${((100 * st.saturated) / st.total).toFixed(0).padStart(6)} %    ${mean.toFixed(3)}  ${Math.min(...taus).toFixed(3)}  (${st.tau.length - taus.length} undefined)`);
}
