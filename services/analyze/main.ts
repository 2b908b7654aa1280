// The `voice-analytics analyze` command (bin/analyze.ts runs it with the call store's opener):
// parses the arguments, runs the analysis, returns the exit code (0 ok, 1 some files skipped or
// not stored, 2 usage/setup error, e.g. a locked call store).
import { AnalyzeError } from './errors.ts';
import { USAGE, parseArgs } from './args.ts';
import { runAnalyze } from './run.ts';
import type { OpenAnalysisStore } from './store-sink.ts';

export async function analyzeCommand(argv: readonly string[], openStore: OpenAnalysisStore): Promise<number> {
  let command;
  try {
    command = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof AnalyzeError)) throw err;
    process.stderr.write(`voice-analytics: ${err.code}: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // A reader that stops early (`| head`, a pager quit): the summaries stop, the run and its JSON
  // and store writes go on (an EPIPE had thrown out of the run and lost the JSON).
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  try {
    return await runAnalyze(command.options, { stdout: process.stdout, stderr: process.stderr }, openStore);
  } catch (err) {
    if (!(err instanceof AnalyzeError)) throw err;
    process.stderr.write(`voice-analytics: ${err.code}: ${err.message}\n`);
    return 2;
  }
}
