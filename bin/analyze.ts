// Entry of `voice-analytics analyze` (bin/voice-analytics.js imports it under Node >= 24): the
// command wired to the call store it writes with --store. Wired here, at the command's entry, so
// neither service imports the other's code.
import { analyzeCommand } from '../services/analyze/main.ts';
import { openAnalysisStore } from '../services/call-store/analysis-store.ts';

process.exitCode = await analyzeCommand(process.argv.slice(2), openAnalysisStore);
// A PGlite folder that fails half-way through opening can leave handles that keep the process
// alive after its STORE_OPEN_FAILED line (it hung for minutes): the result is out, so leave.
setTimeout(() => process.exit(), 2_000).unref();
