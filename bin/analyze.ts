// Entry of `voice-analytics analyze` (bin/voice-analytics.js imports it under Node >= 24): the
// command wired to the call store it writes with --store. Wired here, at the command's entry, so
// neither service imports the other's code.
import { analyzeCommand } from '../services/analyze/main.ts';
import { openAnalysisStore } from '../services/call-store/analysis-store.ts';

process.exitCode = await analyzeCommand(process.argv.slice(2), openAnalysisStore);
// A PGlite folder that fails half-way through opening can leave handles that keep the process
// alive after its STORE_OPEN_FAILED line (it hung for minutes). Once stdout and stderr have handed
// all they were given to the OS (a slow pipe reader still gets every line), the result is out:
// leave then if nothing else has ended the process.
process.stdout.write('', () =>
  process.stderr.write('', () => setTimeout(() => process.exit(), 2_000).unref()),
);
