import { defineConfig } from 'vitest/config';

// Two projects: fast pure-logic unit tests, and integration tests that talk to the
// real Docker engine (serial, longer timeouts). e2e tests are Playwright's, not vitest's.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
