// The call store as the offline `analyze --store` command writes into it: opened on a PostgreSQL
// URL or a PGlite folder, one analysis document imported at a time. The command's entry
// (bin/analyze.ts) hands this opener to the command, so services/analyze imports no call-store
// code. I/O: database.
import { DEFAULT_RULES_FILE } from '../shared/alert-rules/default-file.ts';
import { importAnalysis, type ImportOptions, type ImportResult } from './import-analysis.ts';
import { loadPaceLines } from './pace-rules.ts';
import { openCallStore } from './store.ts';

export interface AnalysisStore {
  importAnalysis(analysisJson: unknown, options: ImportOptions): Promise<ImportResult>;
  close(): Promise<void>;
}

export async function openAnalysisStore(location: {
  databaseUrl: string | undefined;
  dataDir: string;
  rules: { ALERT_RULES_FILE?: string; ALERT_TENANT_RULES_DIR?: string };
}): Promise<AnalysisStore> {
  // The scorecard's agentPace judges the tenant's own agent-too-fast line, as the service's
  // summaries do (pace-rules.ts): imported with the shipped 7, a tenant who raised or switched off
  // the rule got a score the live pages contradict, and nothing summarises an import again.
  const paceLineOf = await loadPaceLines(
    {
      ALERT_RULES_FILE: location.rules.ALERT_RULES_FILE ?? DEFAULT_RULES_FILE,
      ALERT_TENANT_RULES_DIR: location.rules.ALERT_TENANT_RULES_DIR,
    },
    {
      warn: (message, fields) =>
        void process.stderr.write(
          `voice-analytics: ${message} (tenant ${String(fields?.tenant)}: ${String(fields?.error)})\n`,
        ),
    },
  );
  const store = await openCallStore({
    databaseUrl: location.databaseUrl,
    dataDir: location.dataDir,
    paceLineOf,
  });
  return {
    importAnalysis: (analysisJson, options) => importAnalysis(store, analysisJson, options),
    close: () => store.close(),
  };
}
