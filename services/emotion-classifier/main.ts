// Entry point of the emotion-classifier container: validated config from the environment, then
// the service (classifier.ts). Exits 2 with every config problem named. I/O: process.
import { ConfigError } from '../shared/config.ts';
import { loadEmotionClassifierConfig } from './config.ts';
import { startEmotionClassifier } from './classifier.ts';

try {
  await startEmotionClassifier(loadEmotionClassifierConfig());
} catch (error) {
  const code = (error as { code?: string }).code ?? 'START_FAILED';
  const problems = error instanceof ConfigError ? error.problems : undefined;
  console.error(
    JSON.stringify({
      level: 'error',
      service: 'emotion-classifier',
      code,
      msg: (error as Error).message,
      problems,
    }),
  );
  process.exit(error instanceof ConfigError ? 2 : 1);
}
