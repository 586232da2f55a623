import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Two cores: keep workers low so CLI-spawning tests do not starve each other.
    maxWorkers: 2,
    // Timeouts are hang guards, not speed checks: the slowest tests take 20–30 s on a quiet
    // 2-core machine, and one busy with another job runs them several times slower; 5 minutes
    // keeps CI green there while a test that truly hangs still fails within one CI step.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
