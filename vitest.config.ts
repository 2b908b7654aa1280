// Two projects: fast pure unit tests, and integration tests that share one real Kafka broker
// started by the global setup (see deploy/kafka/find-broker.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['test/int/**/*.test.ts'],
          globalSetup: ['test/support/kafka-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
