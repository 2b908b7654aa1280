// The shipped alert rule file: the default of ALERT_RULES_FILE for every reader of the rules (the
// alert service, the call store's scorecard pace line, `analyze --store`).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_RULES_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../config/alert-rules.yaml',
);
