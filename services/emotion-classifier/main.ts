// Entry point of the emotion-classifier container: validated config from the environment, then
// the service (classifier.ts). Exits 2 with every config problem named. I/O: process.
import { startOrExit } from '../shared/start-error.ts';
import { startEmotionClassifier } from './classifier.ts';
import { loadEmotionClassifierConfig } from './config.ts';

await startOrExit('emotion-classifier', () => startEmotionClassifier(loadEmotionClassifierConfig()));
