import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits 1 s by default: too little for a loaded machine to reach a state.
    expect: { poll: { timeout: 10_000 } },
    // Integration tests start real servers on loopback; two workers match the 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
