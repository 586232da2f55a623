import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Two cores: keep workers low so CLI-spawning tests do not starve each other.
    maxWorkers: 2,
    // Timeouts are hang guards, not speed checks: a 2-core machine busy with another job runs
    // the slowest tests (20–30 s quiet) several times slower, and CI must stay green there.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
