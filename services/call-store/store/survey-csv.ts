// CSV of post-call surveys (RFC 4180: comma-separated, double-quoted fields with "" for a quote,
// CRLF or LF line ends) into records with the file line each starts on, for row errors a person
// can find. The header names the columns (call_id, csat, nps, responded_at; order free, case and
// spaces ignored). Pure, no I/O.
import { StoreError } from '../errors.ts';

export interface CsvRecord {
  /** 1-based line of the file where the row starts (the header is line 1). */
  line: number;
  /** Cells by column name; a malformed row has `problem` set instead. */
  cells: Record<string, string>;
  problem?: string;
}

export const SURVEY_COLUMNS = ['call_id', 'csat', 'nps', 'responded_at'] as const;
const ALIASES: Record<string, (typeof SURVEY_COLUMNS)[number]> = {
  call_id: 'call_id',
  callid: 'call_id',
  csat: 'csat',
  nps: 'nps',
  responded_at: 'responded_at',
  respondedat: 'responded_at',
};

/** Splits the text into rows of fields; a quote left open ends the text with a problem. */
function* rows(text: string): Generator<{ line: number; fields: string[]; problem?: string }> {
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let problem: string | undefined;
    for (;;) {
      if (i >= text.length) {
        if (quoted) problem = 'a quoted field is never closed';
        fields.push(field);
        break;
      }
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (ch === '"') {
          quoted = false;
          i++;
          while (text[i] === ' ' || text[i] === '\t') i++; // `"c-1" ,5`: spaces after the quote
          const next = text[i];
          if (i < text.length && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n'))
            problem ??= 'text after a closing quote (a quote inside a field is written "")';
        } else {
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
      } else if (ch === '"' && field.length === 0) {
        quoted = true;
        i++;
      } else if (ch === '"') {
        problem ??= 'a quote inside an unquoted field (quote the whole field, a quote in it written "")';
        field += ch;
        i++;
      } else if (ch === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
        i += ch === '\r' ? 2 : 1;
        line++;
        fields.push(field);
        break;
      } else {
        field += ch;
        i++;
      }
    }
    yield { line: startLine, fields, problem };
  }
}

/** Parses the whole file; header problems reject the file (INVALID_BODY), row problems are per row. */
export function parseSurveyCsv(text: string): CsvRecord[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.includes('\r') && !body.includes('\n'))
    throw new StoreError('INVALID_BODY', 'invalid CSV', [
      'line 1: lines end with CR alone (old Mac format): save the file with LF or CRLF line ends',
    ]);
  const iterator = rows(body);
  const header = iterator.next();
  if (header.done) throw new StoreError('INVALID_BODY', 'empty CSV', ['line 1: a header is required']);
  // Spreadsheets often end every line with a comma: empty columns at the end are no columns.
  const names = header.value.fields.slice();
  while (names.length > 1 && names[names.length - 1].trim() === '') names.pop();
  const trailing = header.value.fields.length - names.length;
  const columns = names.map((name) => ALIASES[name.trim().toLowerCase().replace(/\s+/g, '_')]);
  const problems = unknownColumnProblems(names.filter((_, k) => columns[k] === undefined));
  if (!columns.includes('call_id')) problems.push('line 1: the call_id column is required');
  if (!columns.includes('csat') && !columns.includes('nps'))
    problems.push('line 1: a csat or nps column is required');
  const known = columns.filter((column) => column !== undefined);
  if (new Set(known).size !== known.length) problems.push('line 1: a column is named twice');
  if (problems.length > 0) throw new StoreError('INVALID_BODY', 'invalid CSV header', problems);
  const records: CsvRecord[] = [];
  for (const row of iterator) {
    if (row.fields.length === 1 && row.fields[0].trim() === '' && !row.problem) continue; // blank line
    const extra = row.fields.slice(columns.length);
    if (extra.length > 0 && extra.length <= trailing && extra.every((field) => field.trim() === ''))
      row.fields.length = columns.length;
    if (row.problem || row.fields.length !== columns.length) {
      const problem = row.problem ?? `${row.fields.length} fields where the header has ${columns.length}`;
      records.push({ line: row.line, cells: {}, problem });
      continue;
    }
    const cells: Record<string, string> = {};
    columns.forEach((column, k) => (cells[column as string] = row.fields[k].trim()));
    records.push({ line: row.line, cells });
  }
  return records;
}

/** The first few unknown columns by name: a header of 2 000 000 of them once got one line each (146 MB). */
function unknownColumnProblems(unknown: string[]): string[] {
  const shown = 5;
  const problems = unknown
    .slice(0, shown)
    .map((name) => `line 1: unknown column "${name.slice(0, 40)}" (known: ${SURVEY_COLUMNS.join(', ')})`);
  if (unknown.length > shown) problems.push(`line 1: ${unknown.length - shown} more unknown columns`);
  return problems;
}
