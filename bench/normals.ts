/**
 * Seeded standard normals for the synthetic features of the benchmarks:
 * Box–Muller over the project's mulberry32 stream (src/core/random.ts), so a
 * seed gives the same data on every machine and in every bench.
 */
import { seededRandom } from '../src/core/random.js';

/** One normal per pair of uniforms (cos branch only). */
export function normals(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Both normals of each pair (cos, then sin): the stream of bench/etran-score.bench.ts. */
export function pairedNormals(seed: number): () => number {
  const u = seededRandom(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}
