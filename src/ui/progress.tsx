/**
 * Extraction progress: an ink view (one line per model: bar, images/s, ETA)
 * on a TTY, plain log lines on stderr otherwise. Only presentation here: the
 * numbers come from the extraction's progress events. Never writes to stdout.
 */
import React from 'react';
import { Box, Text, render, type Instance } from 'ink';
import type { ProgressEvent } from '../core/features/extract.js';

/** One model's progress: the event extraction reports. */
export type ModelProgress = ProgressEvent;

export interface ProgressReporter {
  start(models: string[], total: number): void;
  update(p: ModelProgress): void;
  stop(): void;
}

export const rate = (p: ModelProgress): number => (p.seconds > 0 ? p.done / p.seconds : 0);

export function formatEta(p: ModelProgress): string {
  const r = rate(p);
  if (p.done >= p.total || r === 0) return '';
  const s = Math.round((p.total - p.done) / r);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function bar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function ProgressView({ rows }: { rows: ModelProgress[] }): React.JSX.Element {
  const nameWidth = Math.max(5, ...rows.map((r) => r.model.length));
  return (
    <Box flexDirection="column">
      {rows.map((r) => (
        <Box key={r.model}>
          <Text>{r.model.padEnd(nameWidth)} </Text>
          {r.failed ? (
            <Text color="red">failed</Text>
          ) : r.cached ? (
            <Text color="green">cached ({r.total} images)</Text>
          ) : (
            <>
              <Text color={r.done >= r.total && r.total > 0 ? 'green' : 'cyan'}>{bar(r.done, r.total)}</Text>
              <Text>
                {' '}
                {r.done}/{r.total} {rate(r).toFixed(1)} img/s {formatEta(r) && `ETA ${formatEta(r)}`}
              </Text>
            </>
          )}
        </Box>
      ))}
    </Box>
  );
}

/** Live view with ink, redrawn at most ~10 times a second. */
export class InkProgress implements ProgressReporter {
  private rows = new Map<string, ModelProgress>();
  private instance: Instance | null = null;
  private last = 0;

  start(models: string[], total: number): void {
    for (const m of models) this.rows.set(m, { model: m, done: 0, total, seconds: 0 });
    this.instance = render(<ProgressView rows={[...this.rows.values()]} />, { stdout: process.stderr, patchConsole: false, exitOnCtrlC: true });
  }

  update(p: ModelProgress): void {
    this.rows.set(p.model, p);
    const now = Date.now();
    if (now - this.last < 100 && p.done < p.total) return;
    this.last = now;
    this.instance?.rerender(<ProgressView rows={[...this.rows.values()]} />);
  }

  /**
   * Leaves the final view when every model finished; erases it when extraction stopped
   * part-way (an error follows, and it must be the only thing left on the screen).
   */
  stop(): void {
    const rows = [...this.rows.values()];
    // An empty frame makes ink erase the lines it drew (unmount redraws the last frame, so clear() is not enough).
    this.instance?.rerender(rows.every(isFinished) ? <ProgressView rows={rows} /> : <></>);
    this.instance?.unmount();
    this.instance = null;
  }
}

const isFinished = (p: ModelProgress): boolean => Boolean(p.cached || p.failed) || (p.total > 0 && p.done >= p.total);

/**
 * Plain lines on stderr for logs: one when a model finishes, and at most one per model every 10 s.
 * The opening line waits for the first model line: an error found before any image was run
 * (an unreadable image under --strict, a bad option) is then the only line on stderr.
 */
export class LogProgress implements ProgressReporter {
  private lastLine = new Map<string, number>();
  private opening: string | null = null;
  constructor(private readonly out: (line: string) => void = (l) => process.stderr.write(l + '\n')) {}

  private write(line: string): void {
    if (this.opening !== null) this.out(this.opening);
    this.opening = null;
    this.out(line);
  }

  start(models: string[], total: number): void {
    this.opening = `extracting features: ${models.length} model(s), ${total} image(s)`;
  }

  update(p: ModelProgress): void {
    if (p.failed) return; // failures are reported by the command
    if (p.cached) {
      this.write(`${p.model}: features from cache (${p.total} images)`);
      return;
    }
    const finished = p.done >= p.total;
    const now = Date.now();
    if (!finished && now - (this.lastLine.get(p.model) ?? now - 10_000) < 10_000) return;
    if (!this.lastLine.has(p.model) && !finished && p.done === 0) return;
    this.lastLine.set(p.model, now);
    const eta = formatEta(p);
    this.write(`${p.model}: ${p.done}/${p.total} images, ${rate(p).toFixed(1)} img/s${finished ? ` (${p.seconds.toFixed(1)} s)` : eta ? `, ETA ${eta}` : ''}`);
  }

  /** Nothing was extracted, nothing said: the opening line goes unwritten. */
  stop(): void {
    this.opening = null;
  }
}
