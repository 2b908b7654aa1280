// The entries of list-valued variables (services/shared/config-entries.ts): a JSON object that
// names an entry twice is refused by position, never by name or value (JSON.parse keeps the last
// and says nothing); names of nested objects and names inside strings are not entries.
import { describe, expect, it } from 'vitest';
import {
  configEntries,
  jsonObjectEntries,
  topLevelNames,
} from '../../../../services/shared/config-entries.ts';
import { ConfigError } from '../../../../services/shared/config.ts';
import { thrownError } from '../../../support/thrown.ts';

const SECRET = 'do-not-print-0123456789abcdef';

describe('config entries', () => {
  it('lists the top-level names as written, repeats and escapes included', () => {
    expect(topLevelNames('{"a": {"a": 1, "b": [{"a": 2}]}, "b\\"c": "x:", "\\u0061": 3}')).toEqual([
      'a',
      'b"c',
      'a',
    ]);
    expect(topLevelNames('{ "k" : "v\\\\", "l":{} }')).toEqual(['k', 'l']);
  });

  it('refuses a JSON object naming an entry twice, by position only', () => {
    for (const read of [
      (text: string) => configEntries(text, 'TENANT_TOKENS', 'tenant=token'),
      (text: string) => jsonObjectEntries(text, 'ROUTING_TENANT_WEBHOOKS', '{tenant: {url, secret}}'),
    ]) {
      const error = thrownError(
        () => read(`{"${SECRET}": "a", "b": {"${SECRET}": 1}, "${SECRET}": "c"}`),
        ConfigError,
      );
      expect(error.problems).toEqual([expect.stringMatching(/: entry 3 of 3: has the same name as entry 1/)]);
      expect(error.problems.join('\n')).not.toContain(SECRET);
    }
  });

  it('reads an object whose names repeat only in nested objects', () => {
    expect(configEntries('{"acme": {"x": 1}, "beta": {"x": 2}}', 'V', 'tenant=x')).toEqual([
      ['acme', { x: 1 }],
      ['beta', { x: 2 }],
    ]);
  });
});
