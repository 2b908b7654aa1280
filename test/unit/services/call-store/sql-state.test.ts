// What the QA API logs of a failed request: a database error by its SQLSTATE only (its message
// may quote the caller's text), our own coded errors as they are.
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../../pipelines/errors.ts';
import { sqlStateOf } from '../../../../services/call-store/backend/sql-state.ts';

describe('sqlStateOf', () => {
  it('names a database error by its SQLSTATE, and nothing else', () => {
    const refused = Object.assign(new Error('date/time field value out of range: "0000-01-01"'), {
      code: '22008',
    });
    expect(sqlStateOf(refused)).toBe('22008');
    expect(sqlStateOf(new CodedError('USAGE', 'x'))).toBeNull();
    expect(sqlStateOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeNull();
    expect(sqlStateOf('text')).toBeNull();
  });
});
