/** Plain-text tables for terminal output (layout only; colour is applied by the caller's styler). */

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return v.toFixed(4);
}

/** Lines of a table; the second column (names) is left-aligned, the others right-aligned. */
export function renderTable(header: string[], rows: string[][], style: (cell: string, row: number, col: number) => string = (c) => c): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[], i: number) => cells.map((c, j) => style(j === 1 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!), i, j)).join('  ');
  return [line(header, -1), ...rows.map((r, i) => line(r, i))];
}

export function csvLine(cells: Array<string | number | null>): string {
  return cells
    .map((c) => {
      const s = c === null ? '' : String(c);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}

/**
 * A rank interval [lo, hi] among m models as a small bar, best rank on the
 * left: "▕██··········▏" for ranks 1–2 of 12. Wider zoos are scaled to `width`
 * cells (each cell then covers m/width ranks).
 */
export function rankIntervalBar(lo: number, hi: number, m: number, width = 20): string {
  const w = Math.max(1, Math.min(m, width));
  const cell = (r: number) => Math.min(w - 1, Math.floor(((r - 1) * w) / m));
  const a = cell(lo);
  const b = cell(hi);
  let s = '';
  for (let i = 0; i < w; i++) s += i >= a && i <= b ? '█' : '·';
  return `▕${s}▏`;
}

/** "3" or "2–5": a rank interval in words. */
export function rankIntervalText(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}
