// Entry of `voice-analytics analyze` (bin/voice-analytics.js runs it under Node >= 24): parses the
// arguments, runs the analysis, sets the exit code (0 ok, 1 some files skipped or not stored, 2
// usage/setup error, e.g. a locked call store).
import { AnalyzeError } from './errors.ts';
import { USAGE, parseArgs } from './args.ts';
import { runAnalyze } from './run.ts';

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof AnalyzeError)) throw err;
    process.stderr.write(`voice-analytics: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await runAnalyze(command.options, { stdout: process.stdout, stderr: process.stderr });
  } catch (err) {
    if (!(err instanceof AnalyzeError)) throw err;
    process.stderr.write(`voice-analytics: ${err.code}: ${err.message}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
