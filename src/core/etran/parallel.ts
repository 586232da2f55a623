/** Worker-thread splitting of the big kernels (filled in below). */
export function parallelGramPanels(
  _data: Float64Array, _n: number, _d: number, _center: Float64Array | null, _rowScale: Float64Array | null,
): Float64Array | null {
  return null;
}
