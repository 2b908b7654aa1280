// The evaluation's folds and their pool of worker threads (one per core). Leave-one-corpus-out:
// train on every other corpus, test every speaker of the held-out one. Within a corpus: its
// speakers dealt round-robin into min(5, speakers) folds; train on the corpus's other speakers
// (one recording setup, as a contact centre retraining on its own calls), test the fold; a corpus
// without emotion classes (BAVED) has no within folds. With one corpus only (a user's own calls)
// the leave-one-corpus-out fold is the shipped model's judgement. I/O: threads.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CallAlertFigures } from './alert-figures.ts';
import type { AngryShown } from './angry-shown.ts';
import type { ClipScore } from './score.ts';

export interface FoldSpec {
  kind: 'loco' | 'within';
  corpus: string;
  /** Speakers tested (and excluded from training; for 'loco' the whole corpus is excluded). */
  testSpeakers: string[];
  /**
   * 'loco' with no other corpus in the data (a user's own calls, one recording setup): the
   * shipped model, trained on other corpora, judges the corpus instead of a model fitted here.
   */
  shippedModel?: boolean;
}

export interface FoldResult {
  spec: FoldSpec;
  enterConfidence: number;
  call: ClipScore[];
  cold: ClipScore[];
  alerts: CallAlertFigures[];
  /** Leave-one-corpus-out: the same speakers' calls opening angry (opener-layout.ts). */
  opener: { alerts: CallAlertFigures[]; shown: AngryShown[]; calmStartShown: AngryShown[] };
}

export interface WorkerInput {
  dataDirs: string[];
  folds: FoldSpec[];
}

export function foldSpecs(
  speakersByCorpus: Map<string, string[]>,
  within: boolean,
  withClasses: ReadonlySet<string>,
): FoldSpec[] {
  const out: FoldSpec[] = [];
  const shippedModel = speakersByCorpus.size === 1;
  for (const [corpus, speakers] of speakersByCorpus)
    out.push({ kind: 'loco', corpus, testSpeakers: speakers, ...(shippedModel ? { shippedModel } : {}) });
  if (!within) return out;
  for (const [corpus, speakers] of speakersByCorpus) {
    if (!withClasses.has(corpus)) continue;
    const k = Math.min(5, speakers.length);
    if (k < 2) continue;
    for (let f = 0; f < k; f++) {
      out.push({ kind: 'within', corpus, testSpeakers: speakers.filter((_, i) => i % k === f) });
    }
  }
  return out;
}

/** Runs the folds on worker threads; results in the order of `folds`. */
export async function runFolds(
  dataDirs: readonly string[],
  folds: readonly FoldSpec[],
  log: (m: string) => void,
  workers = availableParallelism(),
): Promise<FoldResult[]> {
  const count = Math.max(1, Math.min(workers, folds.length));
  // Largest folds first (LOCO), dealt round-robin: the workers finish at about the same time.
  const dealt = Array.from({ length: count }, (_, k) => folds.filter((_, i) => i % count === k));
  const replies = await Promise.all(
    dealt.map((mine) => runWorker({ dataDirs: [...dataDirs], folds: mine }, log)),
  );
  const flat = replies.flat();
  return folds.map((spec) => {
    const r = flat.find(
      (x) =>
        x.spec.kind === spec.kind &&
        x.spec.corpus === spec.corpus &&
        x.spec.testSpeakers.join() === spec.testSpeakers.join(),
    );
    if (!r) throw new Error(`fold ${spec.kind} ${spec.corpus} returned nothing`);
    return r;
  });
}

function runWorker(input: WorkerInput, log: (m: string) => void): Promise<FoldResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fold-worker.ts', import.meta.url), { workerData: input });
    const results: FoldResult[] = [];
    worker.on('message', (m: { log?: string; result?: FoldResult }) => {
      if (m.log) log(m.log);
      if (m.result) results.push(m.result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      code === 0 ? resolve(results) : reject(new Error(`emotion fold worker exited with ${code}`)),
    );
  });
}
