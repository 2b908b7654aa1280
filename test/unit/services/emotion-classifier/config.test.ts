// In production the emotion classifier warns once at start when it runs the committed model,
// whose training corpora are under non-commercial terms (NOTICE.md): recognised by its resolved
// path (unset, relative or absolute), never by content; a model mounted elsewhere, or any model
// in development, is not warned about.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  DEFAULT_MODEL_PATH,
  loadEmotionClassifierConfig,
  SHIPPED_MODEL_WARNING,
} from '../../../../services/emotion-classifier/config.ts';

const production = { KAFKA_BROKERS: 'k:9092', NODE_ENV: 'production', TOPIC_REPLICATION_FACTOR: '3' };
const warningsOf = (env: Record<string, string>) => loadEmotionClassifierConfig(env).warnings;

describe('emotion classifier: the shipped model in production', () => {
  it('is warned about by default, with the line NOTICE.md quotes', () => {
    expect(warningsOf(production)).toEqual([SHIPPED_MODEL_WARNING]);
    expect(SHIPPED_MODEL_WARNING).toBe(
      'the shipped emotion model is trained on corpora under non-commercial terms (NOTICE.md); ' +
        'mount your own with EMOTION_MODEL_PATH',
    );
  });

  it('is recognised by its resolved path however EMOTION_MODEL_PATH names it', () => {
    for (const path of [
      DEFAULT_MODEL_PATH,
      relative(process.cwd(), DEFAULT_MODEL_PATH),
      join(DEFAULT_MODEL_PATH, '..', '..', 'models', '.', 'emotion-v2.json'),
    ])
      expect(warningsOf({ ...production, EMOTION_MODEL_PATH: path }), path).toEqual([SHIPPED_MODEL_WARNING]);
  });

  it('is not confused with a model mounted elsewhere, even a byte-identical copy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'va-model-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const mounted = join(dir, 'emotion-v2.json');
    copyFileSync(DEFAULT_MODEL_PATH, mounted);
    expect(warningsOf({ ...production, EMOTION_MODEL_PATH: mounted })).toEqual([]);
  });

  it('is not warned about in development', () => {
    expect(warningsOf({ KAFKA_BROKERS: 'k:9092' })).toEqual([]);
    expect(warningsOf({ ...production, VA_MODE: 'development' })).toEqual([]);
  });
});
