// One `analyze` run: finds the files, loads the model, analyses one file in-process or a folder
// on a worker pool, prints each file's summary in input order, writes the JSON. I/O: files,
// threads, the given output streams, the call store (opened by `openStore`) with --store. Returns the exit code (0 all
// analysed and stored, 1 some skipped or not stored).
import { FUNCTIONAL_NAMES } from '../../pipelines/dsp/index.ts';
import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { AnalyzeError } from './errors.ts';
import { analyzeFile } from './analyze-file.ts';
import type { AnalyzeOptions } from './args.ts';
import { formatFileResult } from './format.ts';
import { callIdsOf, findWavFiles } from './files.ts';
import { createJsonWriter } from './json-writer.ts';
import { modelFileSha256, readModelJson, toModel } from './model.ts';
import { runPool } from './pool.ts';
import { createProgress } from './progress.ts';
import { openStoreSink, type OpenAnalysisStore, type StoreSink } from './store-sink.ts';
import type { FileResult } from './types.ts';

export interface RunIo {
  stdout: { write(text: string): boolean };
  stderr: { write(text: string): boolean; isTTY?: boolean };
  /** DATABASE_URL / STORE_DATA_DIR for --store; default process.env. */
  env?: Record<string, string | undefined>;
}

export async function runAnalyze(
  options: AnalyzeOptions,
  io: RunIo,
  openStore: OpenAnalysisStore,
): Promise<number> {
  let unreadable = 0;
  const files = findWavFiles(options.input, (folder, code) => {
    unreadable++;
    io.stderr.write(`${folder}: skipped (FOLDER_UNREADABLE: cannot list it, ${code})\n`);
  });
  if (options.jsonPath) refuseJsonOverInput(options.jsonPath, files);
  const callIds = callIdsOf(files, options.input);
  const modelJson = readModelJson(options.modelPath);
  const model = toModel(modelJson);
  const progress = createProgress(files.length, io.stderr);
  let sink: StoreSink | undefined;
  try {
    // Opened before any analysis so a locked or unreachable store stops the run at once (exit 2).
    sink = options.store
      ? await openStoreSink(
          options.store,
          io.env ?? process.env,
          (f) => {
            progress.clear();
            io.stderr.write(`${f.file}: not stored (${f.code}: ${f.message})\n`);
          },
          openStore,
        )
      : undefined;
  } catch (err) {
    progress.done();
    throw err;
  }
  let writer: ReturnType<typeof createJsonWriter> | undefined;
  try {
    writer = options.jsonPath
      ? createJsonWriter(options.jsonPath, {
          tool: 'voice-analytics analyze',
          model: model.name,
          modelSha256: modelFileSha256(options.modelPath),
          functionalNames: FUNCTIONAL_NAMES,
        })
      : undefined;
  } catch (err) {
    await sink?.finish(); // nothing queued: just closes the store
    progress.done();
    throw err;
  }
  // Ctrl-C (or a stop) mid-run: no half-written <out>.partial left behind, and said so. One file
  // without --json runs on this thread and leaves nothing to clean: the default stop applies; one
  // file with --json goes to the pool, so this thread stays free to hear the signal (on it, the
  // signal waited for the whole file and was then dropped).
  const inProcess = files.length === 1 && !options.jsonPath;
  const interrupted = (signal: NodeJS.Signals) => {
    writer?.abort();
    progress.done();
    io.stderr.write(
      `interrupted (${signal})${options.jsonPath ? `: no JSON written to ${options.jsonPath}` : ''}\n`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  if (!inProcess) {
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
  }
  const printed: ({ text: string; ok: boolean } | undefined)[] = [];
  let nextToPrint = 0;
  let failed = 0;

  const onResult = (index: number, result: FileResult) => {
    writer?.add(index, result);
    sink?.add(result);
    if (!result.ok) failed++;
    printed[index] = { text: formatFileResult(result), ok: result.ok };
    progress.clear();
    // Summaries in input order; the windows themselves went to the JSON writer and are dropped.
    while (printed[nextToPrint] !== undefined) {
      const { text, ok } = printed[nextToPrint] as { text: string; ok: boolean };
      printed[nextToPrint] = { text: '', ok };
      if (ok) io.stdout.write(`${text}\n\n`);
      else io.stderr.write(`${text}\n`);
      nextToPrint++;
    }
    progress.tick(!result.ok);
  };

  let report: Awaited<ReturnType<StoreSink['finish']>> | undefined;
  try {
    if (inProcess) {
      onResult(0, analyzeFile(files[0], callIds[0], options.channels, model));
    } else {
      await runPool({
        files,
        callIds,
        jobs: options.jobs ?? availableParallelism(),
        workerData: { channels: options.channels, modelJson },
        onResult,
      });
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    writer?.close();
    report = await sink?.finish();
    progress.done();
  }
  const ok = files.length - failed;
  const skipped = [
    ...(failed > 0 ? [`${failed} skipped`] : []),
    ...(unreadable > 0 ? [`${unreadable} folder${unreadable === 1 ? '' : 's'} unreadable`] : []),
  ];
  io.stdout.write(
    `${ok} file${ok === 1 ? '' : 's'} analysed${skipped.map((part) => `, ${part}`).join('')}` +
      `${options.jsonPath ? `; JSON written to ${options.jsonPath}` : ''}\n`,
  );
  if (sink && report) {
    const notStored = report.failed.length;
    io.stdout.write(
      `${report.stored} call${report.stored === 1 ? '' : 's'} stored in ${sink.where}` +
        `${notStored > 0 ? `, ${notStored} not stored` : ''}\n`,
    );
  }
  return failed > 0 || unreadable > 0 || (report?.failed.length ?? 0) > 0 ? 1 : 0;
}

/** `--json` naming one of the recordings would replace it with the JSON: refused before any work. */
function refuseJsonOverInput(jsonPath: string, files: readonly string[]): void {
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  const target = real(jsonPath);
  if (files.some((file) => real(file) === target))
    throw new AnalyzeError('BAD_JSON_PATH', `--json ${jsonPath} is one of the recordings to analyse`);
}
