// The alert rule file at start: one that cannot be read is CONFIG_INVALID naming the variable and
// the path (exit 2, as the routing service's), not a bare ENOENT.
import { describe, expect, it } from 'vitest';
import { loadRulesFile } from '../../../../services/alert-service/rules-file.ts';

describe('loadRulesFile', () => {
  it('names an unreadable rule file as a configuration problem', async () => {
    await expect(loadRulesFile('/nonexistent/alert-rules.yaml')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems: ['ALERT_RULES_FILE: cannot read file "/nonexistent/alert-rules.yaml" (ENOENT)'],
    });
    expect((await loadRulesFile('config/alert-rules.yaml')).rules.length).toBeGreaterThan(0);
  });
});
