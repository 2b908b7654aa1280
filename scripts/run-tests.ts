// The README's test command: every unit and integration test (integration against a real Kafka
// broker), then one closing line `N passed, N failed` read from vitest's JSON report. First, what
// the tests need outside npm: system programs (scripts/system-deps.sh, shared with .ci/run) and the
// Kafka jars; either stops the run at once with one line saying what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureKafkaLibs } from '../devkit/kafka/local-broker.ts';

if (spawnSync('sh', ['scripts/system-deps.sh'], { stdio: 'inherit' }).status !== 0) process.exit(1);
if (!process.env.KAFKA_BROKERS) {
  try {
    ensureKafkaLibs();
  } catch (error) {
    console.error(`Kafka jars (devkit/kafka/libs): ${(error as Error).message}`);
    process.exit(1);
  }
}

const report = 'reports/vitest.json';
mkdirSync('reports', { recursive: true });
rmSync(report, { force: true });

const result = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { status: string; assertionResults: { status: string }[] }[];
  };
  passed = summary.numPassedTests;
  // A test file that fails to load (e.g. no broker) has no failed tests of its own: count it once.
  const brokenFiles = summary.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  ).length;
  failed = summary.numFailedTests + brokenFiles;
} else {
  failed = 1;
}
if (result.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(result.status ?? 1);
