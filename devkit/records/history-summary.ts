// A customer history summary as the call store's internal route answers it (without its `line`),
// for tests of the clients of that route. Pure data.
export const HISTORY_SUMMARY = {
  recentCalls: 2,
  windowDays: 7,
  totalCalls: 3,
  lastEndState: 'angry',
  lastCallAt: '2026-12-01T10:00:00.000Z',
  escalations: 1,
  frustrationEpisodes: 2,
};
