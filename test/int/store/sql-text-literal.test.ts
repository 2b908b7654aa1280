// The agent id quoted into the per-leg alert count (store/own-legs.ts) reads back as itself on
// PostgreSQL whatever standard_conforming_strings says: with it off, a plain '…' literal let a
// backslash escape its closing quote. Real PostgreSQL and PGlite.
import { describe, expect, it } from 'vitest';
import { sqlTextLiteral } from '../../../services/call-store/store/own-legs.ts';
import { BACKENDS } from './backends.ts';

const HOSTILE = [
  "o'brien",
  'back\\slash',
  "\\'; DROP TABLE calls; --",
  "it''s",
  '\\\\',
  'tab\there',
  'ü-agent',
];

describe.each(BACKENDS.map((make) => [make().name, make] as const))('sqlTextLiteral on %s', (_name, make) => {
  it('reads back every agent id as itself, with standard_conforming_strings on and off', async () => {
    const fixture = make();
    await fixture.setup();
    const store = await fixture.open();
    try {
      for (const setting of ['on', 'off']) {
        await store.backend.exec(`SET standard_conforming_strings = ${setting}`);
        for (const text of HOSTILE) {
          const [row] = await store.backend.query<{ v: string }>(`SELECT ${sqlTextLiteral(text)} AS v`);
          expect(row.v).toBe(text);
        }
      }
    } finally {
      await store.backend.exec('SET standard_conforming_strings = on').catch(() => undefined);
      await fixture.teardown();
    }
  });
});
