// The call store as the offline `analyze --store` command writes into it: opened on a PostgreSQL
// URL or a PGlite folder, one analysis document imported at a time. The command's entry
// (bin/analyze.ts) hands this opener to the command, so services/analyze imports no call-store
// code. I/O: database.
import { importAnalysis, type ImportOptions, type ImportResult } from './import-analysis.ts';
import { openCallStore } from './store.ts';

export interface AnalysisStore {
  importAnalysis(analysisJson: unknown, options: ImportOptions): Promise<ImportResult>;
  close(): Promise<void>;
}

export async function openAnalysisStore(location: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<AnalysisStore> {
  const store = await openCallStore(location);
  return {
    importAnalysis: (analysisJson, options) => importAnalysis(store, analysisJson, options),
    close: () => store.close(),
  };
}
