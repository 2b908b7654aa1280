// Survey rows from a CSV or JSON import, as a spreadsheet user writes them: trailing commas are
// no columns, malformed quoting and CR-only line ends are named, impossible dates are refused
// (never rolled over to another day); exported CSV cells cannot run as spreadsheet formulas.
import { describe, expect, it } from 'vitest';
import { parseSurveyCsv } from '../../../../../services/call-store/store/survey-csv.ts';
import { validateSurveyRow } from '../../../../../services/call-store/store/surveys.ts';
import { StoreError } from '../../../../../services/call-store/errors.ts';
import { csvCell } from '../../../../../services/call-store/store/timeline.ts';
import { thrownError } from '../../../../support/thrown.ts';

describe('survey CSV', () => {
  it('takes a header and rows that end with a comma (a spreadsheet export)', () => {
    const records = parseSurveyCsv('call_id,csat,nps,\r\nc-1,5,9,\r\nc-2,4,,\r\n');
    expect(records).toEqual([
      { line: 2, cells: { call_id: 'c-1', csat: '5', nps: '9' } },
      { line: 3, cells: { call_id: 'c-2', csat: '4', nps: '' } },
    ]);
    // A value in the unnamed column is still a malformed row.
    expect(parseSurveyCsv('call_id,csat,\nc-1,5,extra\n')[0].problem).toBe('3 fields where the header has 2');
  });

  it('names malformed quoting instead of keeping the stray quote', () => {
    const records = parseSurveyCsv('call_id,csat\n"c-1"x,5\nc"-2,4\n"c ""3""",3\n"c-4" ,2\n');
    expect(records.map((r) => r.problem ?? r.cells.call_id)).toEqual([
      'text after a closing quote (a quote inside a field is written "")',
      'a quote inside an unquoted field (quote the whole field, a quote in it written "")',
      'c "3"',
      'c-4',
    ]);
  });

  it('refuses CR-only line ends with one line saying what to do', () => {
    const error = thrownError(() => parseSurveyCsv('call_id,csat\rc-1,5\r'), StoreError);
    expect(error.details).toEqual([
      'line 1: lines end with CR alone (old Mac format): save the file with LF or CRLF line ends',
    ]);
  });
});

describe('survey rows', () => {
  it('refuses a responded-at day that is not on the calendar', () => {
    for (const respondedAt of ['2026-02-30T10:00:00Z', '2026-04-31T10:00:00+02:00', '2026-13-01T10:00:00Z'])
      expect(
        thrownError(() => validateSurveyRow({ callId: 'c-1', csat: 4, respondedAt }), Error),
      ).toMatchObject({
        code: 'INVALID_TIME',
      });
    expect(
      validateSurveyRow({ callId: 'c-1', csat: 4, respondedAt: '2024-02-29T10:00:00Z' }).respondedAt,
    ).toBe('2024-02-29T10:00:00.000Z');
  });

  it('refuses a responded-at time outside the wall clock the product keeps (PostgreSQL has no year 0)', () => {
    for (const respondedAt of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00+01:00',
      '1999-12-31T23:59:59Z',
      '9999-12-31T00:00:00Z',
    ])
      expect(
        thrownError(() => validateSurveyRow({ callId: 'c-1', csat: 4, respondedAt }), Error),
        respondedAt,
      ).toMatchObject({
        code: 'INVALID_TIME',
      });
  });
});

describe('CSV export cells', () => {
  it('quotes per RFC 4180 and never lets a spreadsheet run text as a formula; numbers stay numbers', () => {
    expect(['=1+1', '@SUM(A1)', '+cmd', '-x', 'a,"b"', 'call-1', -35.2, 0, null].map(csvCell)).toEqual([
      "'=1+1",
      "'@SUM(A1)",
      "'+cmd",
      "'-x",
      '"a,""b"""',
      'call-1',
      '-35.2',
      '0',
      '',
    ]);
  });
});
