// The table of assets/nemo-calls/README.md, rendered from calls.json so the two cannot disagree:
// scripts/build-demo-calls.ts writes it between the README's markers, and a unit test checks the
// committed README against the committed calls.json. Pure.
import type { DemoCall } from './calls-file.ts';

export const TABLE_START = '<!-- calls table: written by npm run build:demo-calls -->';
export const TABLE_END = '<!-- end of calls table -->';

/** nEMO speaker ids of the shipped calls with their gender, as nEMO's metadata gives it. */
const GENDER: Record<string, string> = { 'nemo-IC0': 'f', 'nemo-KD0': 'f', 'nemo-SM0': 'm' };

const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const speaker = (id: string): string => `${id.replace(/^nemo-/, '')} (${GENDER[id] ?? '?'})`;

export function renderCallsTable(calls: readonly DemoCall[]): string {
  const rows = calls.map((call) => {
    const spans = call.customerSegments
      .map((s) => `${s.label} ${seconds(s.startMs)}–${seconds(s.endMs)} s`)
      .join(', ');
    return `| \`${call.file}\` (${seconds(call.durationMs)} s) | ${call.arc} | ${speaker(call.agentSpeaker)} | ${speaker(call.customerSpeaker)} | ${spans} |`;
  });
  return [
    TABLE_START,
    '',
    '| call | arc | agent | customer | customer, what a listener hears (audio time) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    TABLE_END,
  ].join('\n');
}

/** The README with its calls table replaced; throws when the markers are missing. */
export function withCallsTable(readme: string, calls: readonly DemoCall[]): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no calls-table markers');
  return readme.slice(0, start) + renderCallsTable(calls) + readme.slice(end + TABLE_END.length);
}
