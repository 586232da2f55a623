import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('CLI conventions', () => {
  for (const bin of ['archbert', 'etran'] as const) {
    it(`${bin} --help exits 0 and --version prints the version`, () => {
      const help = runCli(bin, ['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: ${bin}`);
      const v = runCli(bin, ['--version']);
      expect(v.code).toBe(0);
      expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    });
    it(`${bin} with an unknown command exits 2 with one line (the usage hint on the same line)`, () => {
      const r = runCli(bin, ['no-such-command']);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/unknown command 'no-such-command' \(add --help for usage\)$/)]);
    });
  }
});
