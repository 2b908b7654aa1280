// A CallStart the consent check could not confirm (the broker away): a new call goes on, a resume
// (its call's start time in the past) stays refused, and no other refusal is waved through.
import { expect, it } from 'vitest';
import { IngestError } from '../../../../services/ingest-gateway/errors.ts';
import {
  NEW_CALL_START_MAX_AGE_MS,
  startMayGoOnUnconfirmed,
} from '../../../../services/ingest-gateway/unconfirmed-start.ts';

const NOW = 1_800_000_000_000;
const unconfirmed = new IngestError('CONSENT_UNCONFIRMED', 'not confirmed in 3000 ms', 1_000);

it('lets a new call go on and keeps a resumed one refused while the consent changes are unconfirmed', () => {
  expect(startMayGoOnUnconfirmed(unconfirmed, 0, NOW)).toBe(true);
  expect(startMayGoOnUnconfirmed(unconfirmed, NOW - 1_000, NOW)).toBe(true);
  expect(startMayGoOnUnconfirmed(unconfirmed, NOW - NEW_CALL_START_MAX_AGE_MS, NOW)).toBe(true);
  expect(startMayGoOnUnconfirmed(unconfirmed, NOW - NEW_CALL_START_MAX_AGE_MS - 1, NOW)).toBe(false);
  expect(startMayGoOnUnconfirmed(unconfirmed, NOW - 600_000, NOW)).toBe(false);
});

it('keeps a resume refused by its first frame when it sends start_time_ms 0', () => {
  expect(startMayGoOnUnconfirmed(unconfirmed, 0, NOW, 0)).toBe(true);
  expect(startMayGoOnUnconfirmed(unconfirmed, 0, NOW, 60_000)).toBe(false);
});

it('never waves through another refusal', () => {
  expect(startMayGoOnUnconfirmed(new IngestError('CONSENT_WIDENED', 'wider'), 0, NOW)).toBe(false);
  expect(startMayGoOnUnconfirmed(new IngestError('SHUTTING_DOWN', 'stop'), 0, NOW)).toBe(false);
});
