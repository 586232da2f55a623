import { describe, expect, it } from 'vitest';
import { LogProgress, formatEta, rate } from '../../src/ui/progress.js';
import { groupWarnings } from '../../src/commands/etran/rank.js';

describe('progress (non-TTY log lines)', () => {
  it('images/s and ETA from done/total/seconds', () => {
    const p = { model: 'm', done: 50, total: 200, seconds: 10 };
    expect(rate(p)).toBe(5);
    expect(formatEta(p)).toBe('30s'); // 150 images at 5/s
    expect(formatEta({ ...p, done: 10, seconds: 10 })).toBe('3m10s');
    expect(formatEta({ ...p, done: 200 })).toBe('');
  });

  it('one line when a model starts, finishes or comes from the cache; nothing in between', () => {
    const lines: string[] = [];
    const log = new LogProgress((l) => lines.push(l));
    log.start(['a', 'b'], 100);
    log.update({ model: 'a', done: 32, total: 100, seconds: 2 });
    log.update({ model: 'a', done: 64, total: 100, seconds: 4 }); // within 10 s of the last line: silent
    log.update({ model: 'a', done: 100, total: 100, seconds: 6.25 });
    log.update({ model: 'b', done: 100, total: 100, seconds: 0, cached: true });
    expect(lines).toEqual([
      'extracting features: 2 model(s), 100 image(s)',
      'a: 32/100 images, 16.0 img/s, ETA 4s',
      'a: 100/100 images, 16.0 img/s (6.3 s)',
      'b: features from cache (100 images)',
    ]);
  });
});

describe('warning grouping', () => {
  it('says an identical per-model warning once, naming the models or "all N models"', () => {
    const out = groupWarnings(['a: energy: small N', 'b: energy: small N', 'a: leep: x', 'free text'], ['a', 'b']);
    expect(out).toEqual(['all 2 models: energy: small N', 'a: leep: x', 'free text']);
    expect(groupWarnings(['a: w', 'b: w'], ['a', 'b', 'c'])).toEqual(['a, b: w']);
  });
});
