// Scratch: dumps the leave-one-corpus-out call-protocol clip scores (from the fold cache) as JSON.
import { writeFileSync } from 'node:fs';
import { foldSpecs, runFolds } from '../scripts/lib/emotion-data/folds.ts';
import { loadCalls } from '../scripts/lib/emotion-data/load.ts';
const log = (m: string): void => void process.stderr.write(`${m}\n`);
const calls = loadCalls([], log);
const speakersByCorpus = new Map<string, string[]>();
for (const c of calls) speakersByCorpus.set(c.corpus, [...(speakersByCorpus.get(c.corpus) ?? []), c.speaker]);
const withClasses = new Set(calls.filter((c) => c.clips.some((x) => x.label !== null)).map((c) => c.corpus));
const folds = await runFolds([], foldSpecs(speakersByCorpus, false, withClasses), log);
const out = folds
  .filter((f) => f.spec.kind === 'loco')
  .map((f) => ({ corpus: f.spec.corpus, enter: f.enterConfidence, clips: f.call }));
writeFileSync(process.argv[2] ?? '/tmp/clips.json', JSON.stringify(out));
log('written');
