// Three projects: fast pure unit tests, integration tests that share one real Kafka broker
// started by the global setup (see devkit/kafka/find-broker.ts), and the cluster tests, which
// start their own 3-node KRaft cluster (devkit/kafka/local-cluster.ts) to kill brokers in.
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
          exclude: ['test/int/cluster/**'],
          globalSetup: ['test/support/kafka-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // expect.poll waits on real services and a real browser: 1 s (vitest's default) was too
          // short on a loaded 2-core machine (a page's first API answer took over a second).
          expect: { poll: { timeout: 10_000 } },
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/int/cluster/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 300_000,
          expect: { poll: { timeout: 10_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
