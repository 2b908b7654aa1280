// The pages' line for a call the server took off them: the reason in words, nothing else.
import { describe, expect, it } from 'vitest';
import { removedCallLine } from '../../../../../../services/alert-service/web/src/removed-call.ts';

describe('removed call line', () => {
  it('words each stable code, and an unknown or missing one as a plain removal', () => {
    expect(removedCallLine('CONSENT_WITHDRAWN')).toBe('Call removed: consent withdrawn');
    expect(removedCallLine('ERASED')).toBe('Call removed: data erased on request');
    expect(removedCallLine('SOMETHING_NEW' as never)).toBe('Call removed');
    expect(removedCallLine(undefined)).toBe('Call removed');
  });
});
