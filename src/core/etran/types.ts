/**
 * Plain numeric containers for the transferability metrics.
 * Statistics run in Float64 (DESIGN.md); features may arrive as Float32.
 */

/** A dense row-major matrix: element (i, j) is data[i * cols + j]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Class labels mapped to contiguous ids 0..numClasses-1. */
export interface Labels {
  ids: Int32Array;
  numClasses: number;
  /** Original label of each id, for messages. */
  names: string[];
}
