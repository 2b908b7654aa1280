// Fuzzes the alert service's WebSocket message parser (protocol.ts parseClientMessage, what the
// hub runs on every client message): it never throws, accepts only the three message types, and
// refuses everything else with the stable code BAD_MESSAGE that the hub sends back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../../../services/alert-service/protocol.ts';
import { FUZZ } from '../../../support/fuzz/typed-error.ts';

const value = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 9, maxLength: 12 }),
  fc.integer({ min: -2, max: 2 ** 53 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
/** Objects shaped like client messages (a known or near-miss type, valid-ish fields, extra keys). */
const messageLike = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom('auth', 'ack', 'ping', 'AUTH', '__proto__', 'constructor'), fc.string()),
      token: value,
      alertId: value,
      t: value,
      resume: fc.oneof(value, fc.record({ instanceId: value, lastSeq: value }, { requiredKeys: [] })),
      extra: value,
    },
    { requiredKeys: ['type'] },
  )
  .map((o) => JSON.stringify(o));
/** `__proto__` as a JSON key becomes an own property under JSON.parse: the strict objects must refuse it. */
const protoKey = fc
  .constantFrom('auth', 'ack', 'ping')
  .map((type) => `{"type":"${type}","__proto__":{"type":"auth"}}`);

describe('fuzz: WebSocket client message parser', () => {
  it('never throws; accepts auth, ack and ping only; refuses the rest with BAD_MESSAGE', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 5, arbitrary: messageLike },
          { weight: 2, arbitrary: fc.string({ maxLength: 100 }) },
          { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
          { weight: 1, arbitrary: protoKey },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
        (text) => {
          const out = parseClientMessage(text);
          if (out.ok) expect(['auth', 'ack', 'ping']).toContain(out.message.type);
          else {
            expect(out.code).toBe('BAD_MESSAGE');
            expect(typeof out.message).toBe('string');
          }
        },
      ),
      FUZZ,
    );
  });
});
