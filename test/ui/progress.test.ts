/**
 * Progress output never stands between a user and the one-line error (issue 15, case 6):
 * off a terminal the opening line waits for the first model line, and the live view is
 * erased when extraction stops part-way.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { InkProgress, LogProgress } from '../../src/ui/progress.js';

describe('LogProgress (off a terminal)', () => {
  it('writes nothing when extraction stops before any model reported (the error is then the only line)', () => {
    const lines: string[] = [];
    const log = new LogProgress((l) => lines.push(l));
    log.start(['a', 'b'], 100);
    log.update({ model: 'a', done: 0, total: 100, seconds: 0 });
    log.update({ model: 'a', done: 0, total: 100, seconds: 0, failed: true });
    log.stop();
    expect(lines).toEqual([]);
  });

  it('the opening line comes with the first model line', () => {
    const lines: string[] = [];
    const log = new LogProgress((l) => lines.push(l));
    log.start(['a'], 10);
    expect(lines).toEqual([]);
    log.update({ model: 'a', done: 10, total: 10, seconds: 1 });
    log.stop();
    expect(lines).toEqual(['extracting features: 1 model(s), 10 image(s)', 'a: 10/10 images, 10.0 img/s (1.0 s)']);
  });
});

/** A terminal-like stream that keeps what ink writes. */
function fakeTty(): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const s = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 100,
    rows: 40,
    write: (c: string) => (chunks.push(String(c)), true),
    text: () => chunks.join(''),
  });
  return s as unknown as NodeJS.WriteStream & { text: () => string };
}

/**
 * What stays on a terminal after ink's writes: lines, with the cursor-up (ESC[1A) and
 * erase-line (ESC[2K) moves ink's log-update uses to redraw; other sequences ignored.
 */
function screen(written: string): string {
  const lines: string[] = [];
  let cur = '';
  for (const tok of written.split(/(\x1b\[[0-9;?]*[A-Za-z]|\n)/)) {
    if (tok === '\n') lines.push(cur), (cur = '');
    else if (tok === '\x1b[1A') cur = lines.pop() ?? '';
    else if (tok === '\x1b[2K') cur = '';
    else if (!tok.startsWith('\x1b')) cur += tok;
  }
  return [...lines, cur].join('\n');
}

describe('InkProgress (on a terminal)', () => {
  const withStderr = (fn: (s: ReturnType<typeof fakeTty>) => void) => {
    const s = fakeTty();
    const real = Object.getOwnPropertyDescriptor(process, 'stderr')!;
    Object.defineProperty(process, 'stderr', { value: s, configurable: true });
    try {
      fn(s);
    } finally {
      Object.defineProperty(process, 'stderr', real);
    }
    return s.text();
  };

  it('erases the view when extraction stops part-way, keeps it when every model finished', () => {
    const partial = screen(withStderr(() => {
      const p = new InkProgress();
      p.start(['a'], 100);
      p.update({ model: 'a', done: 50, total: 100, seconds: 1 });
      p.stop();
    }));
    const done = screen(withStderr(() => {
      const p = new InkProgress();
      p.start(['a'], 100);
      p.update({ model: 'a', done: 100, total: 100, seconds: 2 });
      p.stop();
    }));
    expect(done).toContain('100/100');
    expect(partial).not.toContain('img/s');
  });
});
